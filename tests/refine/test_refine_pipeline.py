"""End to end on the toy set, CPU: seeds → IR labels (tools/make_ir_labels.py) → IRN
(tools/train.py) → random-walk pseudo labels (tools/make_pseudo_labels.py), from the session's
toy pipeline run (tests/fixtures_pipeline.py).

The refinement must beat the seeds it starts from: in the IRN pipeline, pseudo-label mIoU >
the CAM seeds' mIoU at their best background threshold (chosen on GT, the most favourable
reading of the seeds) + MARGIN. Measured on toy train: CAM seeds 50.4 (best threshold 0.15),
pseudo labels 59.7 -> MARGIN 0.05. (In the AMN pipeline of `make demo`: AMN seeds 60.5 ->
pseudo labels 67.0.)
"""
import json
import os
import os.path as osp

import numpy as np
from PIL import Image

from wsss_plugins.evaluation.confusion import ConfusionMatrix
from wsss_plugins.seeds.io import load_seed, seed_path, seed_to_label

MARGIN = 0.05


def _names(toy_root, split='train'):
    with open(osp.join(toy_root, 'ImageSets', 'Segmentation', f'{split}.txt')) as f:
        return f.read().split()


def _gt(toy_root, name):
    return np.asarray(Image.open(osp.join(toy_root, 'SegmentationClass', name + '.png')))


def best_seed_miou(seed_dir, toy_root, thresholds=np.arange(0.05, 0.55, 0.05)):
    names = _names(toy_root)
    seeds = [load_seed(seed_path(seed_dir, name)) for name in names]
    scores = []
    for thr in thresholds:
        matrix = ConfusionMatrix(5)
        for seed, name in zip(seeds, names):
            matrix.update(seed_to_label(seed, thr), _gt(toy_root, name))
        scores.append(matrix.metrics()['mIoU'])
    return max(scores)


def label_dir_miou(label_dir, toy_root):
    matrix = ConfusionMatrix(5)
    for name in _names(toy_root):
        label = np.asarray(Image.open(osp.join(label_dir, name + '.png')))
        assert label.max() <= 4  # no uncertain (255) pixel left
        matrix.update(label, _gt(toy_root, name))
    return matrix.metrics()['mIoU']


def test_pseudo_labels_beat_seeds(toy_root, toy_cam_seeds, toy_ir_labels, toy_pseudo_labels):
    for label_dir in (toy_ir_labels, toy_pseudo_labels):
        assert sorted(f[:-4] for f in os.listdir(label_dir) if f.endswith('.png')) == \
            sorted(_names(toy_root, 'train_aug'))
    seed = best_seed_miou(toy_cam_seeds, toy_root)
    pseudo = label_dir_miou(toy_pseudo_labels, toy_root)
    with open(osp.join(toy_ir_labels, 'report.json')) as f:
        ir = json.load(f)  # train_aug
    print(f'toy train mIoU: seeds (best threshold) {seed:.3f}, pseudo labels {pseudo:.3f}; '
          f'IR labels on train_aug: confident accuracy {ir["confident_accuracy"]:.3f}, '
          f'uncertain {ir["uncertain_fraction"]:.3f}')
    assert pseudo > seed + MARGIN
