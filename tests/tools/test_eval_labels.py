"""tools/eval_labels.py: mIoU of a label directory against ground truth on a split."""
import json
import os
import os.path as osp
import subprocess
import sys

import numpy as np
from PIL import Image


def _run(repo_root, toy_root, label_dir, out):
    env = dict(os.environ, WSSS_TOY_ROOT=toy_root)
    return subprocess.run(
        [sys.executable, osp.join(repo_root, 'tools', 'eval_labels.py'),
         osp.join(repo_root, 'configs', '_base_', 'datasets', 'toy_voc.py'),
         '--labels', label_dir, '--split', 'train', '--out', out], cwd=repo_root, env=env, capture_output=True,
        text=True)


def test_ground_truth_scores_one_and_background_scores_its_share(repo_root, toy_root,
                                                                 tmp_path):
    gt_dir = osp.join(toy_root, 'SegmentationClass')
    result = _run(repo_root, toy_root, gt_dir, str(tmp_path / 'gt.json'))
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.load(open(tmp_path / 'gt.json'))
    assert report['num_images'] == 30 and report['mIoU'] == 1.0

    # All background, with 255 (uncertain) in the top row: counted as background.
    names = open(osp.join(toy_root, 'ImageSets/Segmentation/train.txt')).read().split()
    zero_dir = tmp_path / 'zeros'
    zero_dir.mkdir()
    bg = fg = 0
    for name in names:
        gt = np.asarray(Image.open(osp.join(gt_dir, f'{name}.png')))
        pred = np.zeros_like(gt)
        pred[0] = 255
        Image.fromarray(pred).save(zero_dir / f'{name}.png')
        bg += int((gt == 0).sum())
        fg += int(((gt > 0) & (gt < 255)).sum())
    result = _run(repo_root, toy_root, str(zero_dir), str(tmp_path / 'zeros.json'))
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.load(open(tmp_path / 'zeros.json'))
    # background IoU = bg / (bg + fg); the 4 foreground classes score 0
    assert report['per_class']['background']['iou'] == np.float64(bg / (bg + fg))
    assert abs(report['mIoU'] - bg / (bg + fg) / 5) < 1e-12
    assert report['uncertain_fraction'] > 0


def test_missing_label_is_named(repo_root, toy_root, tmp_path):
    (tmp_path / 'partial').mkdir()
    result = _run(repo_root, toy_root, str(tmp_path / 'partial'), str(tmp_path / 'r.json'))
    assert result.returncode != 0
    assert 'have no label in' in result.stderr and 'toy_000000.png' in result.stderr
