"""Threshold selection (apis/calibration.py): the rules on hand-computed cases, and the
scores equal to the labels the passes write with the same thresholds."""
import os.path as osp

import numpy as np
import pytest
import torch
from PIL import Image

from wsss_plugins.apis import calibration as cal
from wsss_plugins.utils.seed_io import save_seed

CLASSES = ('background', 'thing')


def _gradient_item(tmp_path, name='a'):
    """One 4x10 image whose map is j/10 in column j and whose GT is the class from column 6:
    seeds are perfect for thresholds in [0.5, 0.6) (a map equal to the threshold is bg)."""
    high_res = np.tile(np.arange(10, dtype=np.float32) / 10, (4, 1))[None]
    save_seed(str(tmp_path / f'{name}.npy'), [0], torch.zeros(1, 1, 3), high_res)
    gt = np.zeros((4, 10), np.uint8)
    gt[:, 6:] = 1
    Image.fromarray(gt).save(tmp_path / f'{name}.png')
    return dict(name=name, seg_map_path=str(tmp_path / f'{name}.png'), img_labels=None)


def test_seed_threshold_is_the_lowest_of_the_best(tmp_path):
    curve, chosen = cal.select_seed_threshold(str(tmp_path), [_gradient_item(tmp_path)],
                                              CLASSES)
    assert chosen == dict(seed_threshold=0.5)
    miou = dict(zip(curve['thresholds'], curve['mIoU']))
    assert miou[0.5] == miou[0.59] == 1.0
    # at 0.45 column 5 turns foreground: bg IoU 5/6... class IoU 4/5 (hand-computed)
    assert miou[0.45] == pytest.approx((20 / 24 + 16 / 20) / 2)
    assert miou[0.6] < 1.0


def test_ir_pairs_around_the_seed_threshold_and_the_preset_pair():
    pairs = cal.ir_label_candidates(0.15, (0.30, 0.05))
    assert len(pairs) == 18  # 6 fg offsets x bg offsets 0, 0.05, 0.10 (0.15 - 0.15 = 0 out)
    assert pairs[:3] == [(0.2, 0.15), (0.2, 0.1), (0.2, 0.05)]
    assert (0.30, 0.05) in pairs and all(fg > 0.15 >= bg > 0 for fg, bg in pairs)
    assert (0.35, 0.15) in cal.ir_label_candidates(0.5, (0.35, 0.15))  # preset always in


def test_ir_pair_rule_most_accurate_above_the_coverage_floor():
    rows = [dict(conf_fg=0.3, conf_bg=0.05, accuracy=0.90, coverage=0.70),
            dict(conf_fg=0.35, conf_bg=0.1, accuracy=0.95, coverage=0.60),
            dict(conf_fg=0.4, conf_bg=0.1, accuracy=0.97, coverage=0.50),
            dict(conf_fg=0.45, conf_bg=0.1, accuracy=0.95, coverage=0.65)]
    assert cal.pick_ir_pair(rows, 0.60) is rows[3]  # 0.95 twice: the larger coverage
    assert cal.pick_ir_pair(rows, 0.50) is rows[2]
    assert cal.pick_ir_pair(rows, 0.70) is rows[0]
    with pytest.raises(ValueError, match='labels 80.0% of the pixels'):
        cal.pick_ir_pair(rows, 0.80)


def test_ir_pair_scores_equal_the_ir_labels_the_pass_writes(toy_cam_seeds, toy_root):
    """accuracy / coverage of a pair = those of make_ir_label's maps at that pair."""
    from wsss_plugins.apis.label_passes import load_checked_seed, split_items
    from wsss_plugins.datasets import load_config
    from wsss_plugins.refine.ir_label import make_ir_label
    from wsss_plugins.utils.image import read_rgb
    cfg = load_config(osp.join('configs', '_base_', 'datasets', 'toy_voc.py'),
                      cfg_options=dict(data_root=toy_root))
    dataset, items = split_items(cfg, 'train_aug')
    items = items[100:104]
    curve, chosen = cal.select_ir_thresholds(toy_cam_seeds, items,
                                             len(dataset.metainfo['classes']), 0.15, (0.30, 0.05))
    correct = confident = valid = 0
    for item in items:
        img = read_rgb(item['img_path'])
        label = make_ir_label(img, load_checked_seed(toy_cam_seeds, item, img.shape[:2]),
                              0.30, 0.05)
        gt = np.asarray(Image.open(item['seg_map_path']))
        sure = (gt != 255) & (label != 255)
        correct += (label[sure] == gt[sure]).sum()
        confident += sure.sum()
        valid += (gt != 255).sum()
    preset = next(r for r in curve['pairs'] if (r['conf_fg'], r['conf_bg']) == (0.30, 0.05))
    assert preset['accuracy'] == pytest.approx(correct / confident, abs=1e-12)
    assert preset['coverage'] == pytest.approx(confident / valid, abs=1e-12)
    assert curve['min_coverage'] == preset['coverage']  # the default floor
    best = next(r for r in curve['pairs'] if (r['conf_fg'], r['conf_bg']) ==
                (chosen['conf_fg'], chosen['conf_bg']))
    assert best['coverage'] >= preset['coverage']
    assert best['accuracy'] == max(r['accuracy'] for r in curve['pairs']
                                   if r['coverage'] >= preset['coverage'])


class _FixedEdge(torch.nn.Module):
    """An IRN stand-in whose boundary map is fixed (one vertical wall)."""

    def __init__(self):
        super().__init__()
        self.anchor = torch.nn.Parameter(torch.zeros(1))

    def predict_edge(self, inputs):
        h, w = (-(-s // 4) for s in inputs.shape[-2:])
        edge = torch.zeros(h, w)
        edge[:, w // 2] = 0.9
        return edge, torch.zeros(2, h, w)


def test_random_walk_sweep_equals_the_labels_of_the_walk(tmp_path):
    """Every (power, threshold) score = the mIoU of random_walk_label at those values."""
    from wsss_plugins.evaluation.confusion import ConfusionMatrix
    from wsss_plugins.refine.random_walk import random_walk_label
    rng = np.random.default_rng(0)
    img = (rng.random((32, 40, 3)) * 255).astype(np.uint8)
    Image.fromarray(img).save(tmp_path / 'img.jpg')
    cam = np.zeros((1, 8, 10), np.float32)
    cam[0, 2:6, 1:4] = rng.random((4, 3))
    high_res = np.kron(cam, np.ones((4, 4), np.float32))
    seed_dir = tmp_path / 'seeds'
    seed_dir.mkdir()
    save_seed(str(seed_dir / 'img.npy'), [0], cam, high_res)
    gt = np.zeros((32, 40), np.uint8)
    gt[6:26, 2:18] = 1
    Image.fromarray(gt).save(tmp_path / 'img.png')
    item = dict(name='img', img_path=str(tmp_path / 'img.jpg'),
                seg_map_path=str(tmp_path / 'img.png'), img_labels=np.array([1]))
    model, powers, thresholds = _FixedEdge(), (1.0, 1.5), (0.05, 0.2, 0.4)
    grid = cal.sweep_random_walk(model, str(seed_dir), [item], 2, powers, thresholds,
                                 exp_times=3)
    from wsss_plugins.utils.seed_io import load_seed
    seed = load_seed(str(seed_dir / 'img.npy'))
    edge = model.predict_edge(torch.zeros(1, 3, 32, 40))[0]
    for i, power in enumerate(powers):
        for j, thr in enumerate(thresholds):
            label = random_walk_label(seed, edge, (32, 40), bg_threshold=thr, cam_power=power,
                                      exp_times=3)
            assert grid[i][j] == ConfusionMatrix(2).update(label, gt).metrics()['mIoU']
    assert len({v for row in grid for v in row}) > 1  # the thresholds matter here
    curve, chosen = cal.select_random_walk(model, str(seed_dir), [item], 2, powers,
                                           thresholds, exp_times=3)
    best = max(v for row in grid for v in row)
    i, j = powers.index(chosen['rw_cam_power']), thresholds.index(chosen['rw_bg_threshold'])
    assert grid[i][j] == best and curve['mIoU'] == grid
