"""Detectron2 configs of the project: every yaml loads with Detectron2's ``get_cfg`` plus our
keys, the class count binds to the dataset, the dataset config's splits are registered (and a
pseudo-instance json replaces the training split's), and mistakes are named."""
import glob
import os.path as osp

import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
YAMLS = sorted(glob.glob(osp.join(REPO_ROOT, 'configs', 'detectron2', '*.yaml')))
TOY_YAML = osp.join(REPO_ROOT, 'configs', 'detectron2', 'mask_rcnn_R_18_FPN_toy.yaml')
TOY_DATASET = osp.join(REPO_ROOT, 'configs', '_base_', 'datasets', 'toy_voc.py')


@pytest.mark.parametrize('path', YAMLS, ids=osp.basename)
def test_every_detectron2_config_loads(path):
    from wsss_plugins.utils.d2_config import load_d2_config
    cfg = load_d2_config(path, num_classes=20)
    assert cfg.MODEL.ROI_HEADS.NUM_CLASSES == 20
    assert cfg.MODEL.META_ARCHITECTURE == 'GeneralizedRCNN'
    if cfg.MODEL.MASK_ON:
        assert cfg.MODEL.ROI_MASK_HEAD.NAME == 'SeedGrowingMaskHead'


def test_splits_registered_and_the_pseudo_json_replaces_the_training_split(toy_root, tmp_path):
    import shutil

    from detectron2.data import DatasetCatalog, MetadataCatalog

    from wsss_plugins.engine.d2_trainer import setup_d2_config
    ann = osp.join(toy_root, 'annotations')
    cfg = setup_d2_config(TOY_YAML, TOY_DATASET, ['WSSS.DATA_ROOT', toy_root])
    assert cfg.MODEL.ROI_HEADS.NUM_CLASSES == 4
    train = DatasetCatalog.get(cfg.DATASETS.TRAIN[0])
    assert len(train) == len(open(osp.join(toy_root, 'ImageSets', 'Segmentation',
                                           'train_aug.txt')).read().split())
    assert MetadataCatalog.get(cfg.DATASETS.TEST[0]).thing_classes == ['cat', 'dog', 'bird',
                                                                       'fish']
    pseudo = str(tmp_path / 'pseudo.json')
    shutil.copy(osp.join(ann, 'instances_val.json'), pseudo)
    cfg2 = setup_d2_config(TOY_YAML, TOY_DATASET, ['WSSS.DATA_ROOT', toy_root,
                                                   'WSSS.TRAIN_JSON', pseudo])
    assert cfg2.DATASETS.TRAIN != cfg.DATASETS.TRAIN
    assert MetadataCatalog.get(cfg2.DATASETS.TRAIN[0]).json_file == pseudo


def test_mistakes_are_named(toy_root):
    from wsss_plugins.engine.d2_trainer import setup_d2_config
    with pytest.raises(ValueError, match='NUM_CLASSES=3 but the dataset has 4'):
        setup_d2_config(TOY_YAML, TOY_DATASET, ['MODEL.ROI_HEADS.NUM_CLASSES', '3',
                                                'WSSS.DATA_ROOT', toy_root])
    with pytest.raises(KeyError, match='mask_rcnn_R_18_FPN_toy.yaml'):
        setup_d2_config(TOY_YAML, TOY_DATASET, ['MODEL.NO_SUCH_KEY', '1'])
