"""Seed evaluation: hand-computed IoU, threshold sweep, report/plot, foreign seed dirs."""
import os.path as osp

import numpy as np
import pytest
from PIL import Image

from wsss_plugins.evaluation.seed_eval import (SeedDatasetMismatch, evaluate_seeds, parse_sweep,
                                               plot_curve)
from wsss_plugins.utils.seed_io import save_seed

NAMES = ('background', 'a', 'b')


def write_case(tmp_path, high_res=None, keys=(0,), gt=None, name='x'):
    seed_dir = tmp_path / 'seeds'
    gt = np.array([[0, 1, 1, 255], [0, 0, 1, 1]], np.uint8) if gt is None else gt
    high_res = np.array([[[0.1, 0.9, 0.2, 0.9], [0.0, 0.3, 0.8, 0.1]]], np.float32) \
        if high_res is None else high_res
    save_seed(str(seed_dir / f'{name}.npy'), list(keys), high_res[:, ::4, ::4], high_res)
    gt_path = str(tmp_path / f'{name}.png')
    Image.fromarray(gt).save(gt_path)
    return str(seed_dir), [(name, gt_path, None)]


def test_parse_sweep_is_end_inclusive():
    assert parse_sweep('0.05:0.60:0.05') == [round(0.05 * i, 6) for i in range(1, 13)]
    assert parse_sweep('0.15:0.34:0.01')[-1] == 0.34 and len(parse_sweep('0.15:0.34:0.01')) == 20
    with pytest.raises(ValueError, match='START:STOP:STEP'):
        parse_sweep('0.1-0.2')


def test_iou_precision_recall_by_hand(tmp_path):
    seed_dir, samples = write_case(tmp_path)
    report = evaluate_seeds(seed_dir, samples, [0.15, 0.85], NAMES)
    # thr 0.15: pred (class a = key 0 + 1) where map > 0.15: [[0,1,1,(1)],[0,1,1,0]];
    # valid pixels (gt != 255): gt [0,1,1 | 0,0,1,1], pred [0,1,1 | 0,1,1,0].
    # bg: TP 2, FP 1, FN 1 -> 2/4; a: TP 3, FP 1, FN 1 -> 3/5; b: absent -> nan (skipped).
    r15 = report['results'][0]
    assert r15['per_class']['background']['iou'] == pytest.approx(0.5)
    assert r15['per_class']['a']['iou'] == pytest.approx(0.6)
    assert r15['per_class']['a']['precision'] == pytest.approx(0.75)
    assert r15['per_class']['b']['iou'] is None
    assert report['mIoU'][0] == pytest.approx(0.55)
    # thr 0.85: a only at the valid 0.9 (0,1): bg TP 3 FP 3 -> 3/6, a TP 1 FN 3 -> 1/4.
    assert report['mIoU'][1] == pytest.approx((0.5 + 0.25) / 2)
    assert report['best']['threshold'] == 0.15 and report['num_images'] == 1

    plot_curve(report, str(tmp_path / 'curve.png'))
    with Image.open(tmp_path / 'curve.png') as im:
        assert im.format == 'PNG' and im.size == (500, 350)


def test_foreign_seed_dirs_fail_clearly(tmp_path):
    seed_dir, samples = write_case(tmp_path)
    with pytest.raises(SeedDatasetMismatch, match='no seed file for any of the 1 images'):
        evaluate_seeds(seed_dir, [('y', samples[0][1], None)], [0.15], NAMES)
    with pytest.raises(SeedDatasetMismatch, match='1 of 2 images of the split have no seed'):
        evaluate_seeds(seed_dir, samples + [('y', samples[0][1], None)], [0.15], NAMES)

    seed_dir, samples = write_case(tmp_path / 'k', keys=(5,))
    with pytest.raises(SeedDatasetMismatch, match=r'keys \[5\] outside 0..1'):
        evaluate_seeds(seed_dir, samples, [0.15], NAMES)

    seed_dir, samples = write_case(tmp_path / 's', gt=np.zeros((3, 4), np.uint8))
    with pytest.raises(SeedDatasetMismatch, match=r'is \(2, 4\) but the ground truth'):
        evaluate_seeds(seed_dir, samples, [0.15], NAMES)


def test_keys_differing_from_image_labels_are_listed(tmp_path):
    seed_dir, samples = write_case(tmp_path)
    name, gt_path, _ = samples[0]
    report = evaluate_seeds(seed_dir, [(name, gt_path, np.array([0, 1], np.float32))],
                            [0.15], NAMES)
    assert report['keys_differ_from_labels'] == ['x']
    assert osp.isdir(seed_dir)
