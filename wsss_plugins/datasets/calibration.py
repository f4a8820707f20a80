"""The calibration split: a few fully labelled images held out from every reported split,
on which thresholds are chosen (wsolevaluation, Choe et al. CVPR 2020: tune on a small
labelled held-out set, report on another).

The references pick their seed threshold on the split they report (methods.md §7); here
the images come from the training split (``train_split``, VOC ``train_aug``: its SBD
labels) minus every other split of the dataset (VOC: ``train``, the evaluation split, and
``val``), drawn by a seeded generator, and are written as a list file (``calibration.txt``,
one name per line) with a JSON record beside it (``calibration.json``: source split,
excluded splits, seed, pool size). :func:`with_calibration_split` adds the list as split
``'calibration'`` to a config, so every split-based reader (seeds, labels, evaluation) can
work on it and on nothing else.
"""
import copy
import json
import os.path as osp

import numpy as np

from .config import DatasetConfigError, split_name
from .wsss_dataset import read_split

CALIBRATION_SPLIT = 'calibration'


def _split_names(cfg, name):
    return read_split(osp.join(cfg.data_root, cfg.splits[name]['ann_file']))


def make_calibration_split(cfg, num_images, seed=0, source='train_split'):
    """Draw ``num_images`` names of ``source`` (a split or role) outside every other split.

    Returns the record written by :func:`write_calibration_split`. The pool must not be the
    evaluation split itself (COCO's ``eval_split`` is its ``train_split``: no image of it
    is held out from the evaluation), and must hold ``num_images`` names with ground truth.
    """
    source = split_name(cfg, source)
    evaluated = {split_name(cfg, role) for role in ('eval_split', 'val_split')}
    if source in evaluated:
        raise DatasetConfigError(
            f'calibration split: the source split {source!r} is itself evaluated (eval_split/'
            f'val_split); choose a source split whose images are not reported')
    if not cfg.splits[source].get('gt_seg_map_path'):
        raise DatasetConfigError(f'calibration split: split {source!r} has no gt_seg_map_path '
                                 '(calibration needs pixel labels)')
    others = [name for name in cfg.splits if name != source]
    excluded = set()
    for name in others:
        excluded.update(_split_names(cfg, name))
    pool = sorted(set(_split_names(cfg, source)) - excluded)
    if len(pool) < num_images:
        raise DatasetConfigError(
            f'calibration split: {num_images} images asked, but only {len(pool)} of split '
            f'{source!r} are outside {", ".join(others) or "no other split"}')
    rng = np.random.default_rng(seed)
    names = sorted(pool[i] for i in rng.choice(len(pool), num_images, replace=False))
    return dict(names=names, source=source, excluded_splits=others, seed=seed,
                pool_size=len(pool))


def write_calibration_split(record, out_dir):
    """``out_dir/calibration.txt`` (names) and ``calibration.json`` (the record), atomic.
    Returns the list path."""
    from ..utils.io import atomic_write
    path = osp.join(out_dir, 'calibration.txt')
    with atomic_write(path, 'w') as f:
        f.write('\n'.join(record['names']) + '\n')
    with atomic_write(osp.join(out_dir, 'calibration.json'), 'w') as f:
        json.dump(record, f, indent=1)
    return path


def with_calibration_split(cfg, list_path):
    """A copy of ``cfg`` with split ``'calibration'``: the list file's names, read like the
    source split recorded beside it (``calibration.json``; default the ``train_split``)."""
    if not osp.isfile(list_path):
        raise FileNotFoundError(f'calibration list not found: {list_path} (make it with '
                                'tools/select_thresholds.py split)')
    record_path = osp.join(osp.dirname(list_path), 'calibration.json')
    source = 'train_split'
    if osp.isfile(record_path):
        with open(record_path) as f:
            source = json.load(f)['source']
    source = split_name(cfg, source)
    cfg = copy.deepcopy(cfg)
    cfg.splits[CALIBRATION_SPLIT] = dict(cfg.splits[source], ann_file=osp.abspath(list_path))
    return cfg
