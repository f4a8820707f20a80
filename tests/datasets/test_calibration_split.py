"""The calibration split: reproducible, disjoint from every other split, refused where the
source split is itself evaluated."""
import os.path as osp

import pytest

from wsss_plugins.datasets import load_config
from wsss_plugins.datasets.calibration import (CALIBRATION_SPLIT, make_calibration_split,
                                               with_calibration_split,
                                               write_calibration_split)
from wsss_plugins.datasets.config import DatasetConfigError
from wsss_plugins.datasets.wsss_dataset import read_split

TOY = osp.join('configs', '_base_', 'datasets', 'toy_voc.py')


def _names(root, split):
    return set(read_split(osp.join(root, 'ImageSets', 'Segmentation', f'{split}.txt')))


def test_calibration_images_are_training_images_outside_every_other_split(toy_root):
    cfg = load_config(TOY, cfg_options=dict(data_root=toy_root))
    record = make_calibration_split(cfg, 30, seed=0)
    names = set(record['names'])
    assert len(names) == 30 and record['names'] == sorted(names)
    assert names <= _names(toy_root, 'train_aug')
    assert not names & (_names(toy_root, 'train') | _names(toy_root, 'val'))
    assert record['source'] == 'train_aug' and set(record['excluded_splits']) == {'train', 'val'}
    assert record['pool_size'] == 300 - 30  # toy: train is the first tenth of train_aug
    assert make_calibration_split(cfg, 30, seed=0)['names'] == record['names']
    assert make_calibration_split(cfg, 30, seed=1)['names'] != record['names']


def test_calibration_list_reads_as_a_split_of_exactly_its_images(toy_root, tmp_path):
    from wsss_plugins.apis.label_passes import split_items
    cfg = load_config(TOY, cfg_options=dict(data_root=toy_root))
    record = make_calibration_split(cfg, 5, seed=3)
    path = write_calibration_split(record, str(tmp_path))
    assert open(path).read().split() == record['names']
    _, items = split_items(with_calibration_split(cfg, path), CALIBRATION_SPLIT)
    assert [it['name'] for it in items] == record['names']
    assert all(it['seg_map_path'].startswith(osp.join(toy_root, 'SegmentationClass'))
               for it in items)


def test_too_many_images_or_an_evaluated_source_is_an_error_naming_it(toy_root):
    cfg = load_config(TOY, cfg_options=dict(data_root=toy_root))
    with pytest.raises(DatasetConfigError, match=r"only 270 of split 'train_aug'"):
        make_calibration_split(cfg, 271)
    cfg.eval_split = 'train_aug'  # COCO's layout: seeds are scored on the training split
    with pytest.raises(DatasetConfigError, match=r"source split 'train_aug' is itself evaluated"):
        make_calibration_split(cfg, 10)
    with pytest.raises(FileNotFoundError, match='calibration list not found'):
        with_calibration_split(cfg, osp.join(toy_root, 'no_such.txt'))
