"""One dataset config, bound late into every method config (wsss_plugins/datasets/config.py):
class counts follow the dataset or fail naming both, test follows val, ``--dataset`` and a
``data_root`` override reach every loader and the inference datasets."""
import os.path as osp

import pytest

from wsss_plugins.datasets import DatasetConfigError, build_split_dataset, load_config

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = osp.join(REPO_ROOT, 'configs')
VOC = osp.join(CONFIGS, '_base_', 'datasets', 'voc12.py')


def write_dataset_config(tmp_path, root, classes=('background', 'cat', 'dog')):
    path = tmp_path / 'my_data.py'
    path.write_text(f"_base_ = '{VOC}'\n"
                    f"dataset_type = 'WSSSDataset'\n"
                    f"data_root = '{root}'\n"
                    f"class_names = {tuple(classes)!r}\n")
    return str(path)


def test_class_counts_follow_the_dataset(tmp_path):
    cam = load_config(osp.join(CONFIGS, 'cam', 'cam_toy.py'))
    amn = load_config(osp.join(CONFIGS, 'amn', 'amn_toy.py'))
    deeplab = load_config(osp.join(CONFIGS, 'deeplabv2', 'deeplabv2_toy.py'))
    assert cam.model.num_classes == 4  # toy: 4 foreground classes
    assert (amn.model.num_fg_classes, amn.model.decode_head.num_classes) == (4, 5)
    assert deeplab.model.decode_head.num_classes == 5
    voc = load_config(osp.join(CONFIGS, 'cam', 'cam_toy.py'), dataset=VOC)
    assert voc.model.num_classes == 20
    mine = load_config(osp.join(CONFIGS, 'amn', 'amn_toy.py'),
                       dataset=write_dataset_config(tmp_path, '/data/mine'))
    assert (mine.model.num_fg_classes, mine.model.decode_head.num_classes) == (2, 3)


def test_a_class_count_that_disagrees_fails_naming_config_and_dataset(tmp_path):
    config = tmp_path / 'cam_4.py'
    config.write_text(f"_base_ = '{osp.join(CONFIGS, 'cam', 'cam_toy.py')}'\n"
                      "model = dict(num_classes=4)\n")
    assert load_config(str(config)).model.num_classes == 4  # agrees with the toy set
    with pytest.raises(DatasetConfigError) as err:
        load_config(str(config), dataset=VOC)
    message = str(err.value)
    assert str(config) in message and 'model.num_classes=4 (foreground classes)' in message
    assert f'the dataset {VOC} has 20' in message and 'aeroplane' in message


def test_test_dataloader_follows_val_dataloader_unless_set(tmp_path):
    base = osp.join(CONFIGS, 'deeplabv2', 'deeplabv2_toy.py')
    cfg = load_config(base, cfg_options={
        'val_dataloader.dataset.split': 'train', 'val_dataloader.batch_size': 2})
    assert cfg.test_dataloader.dataset.ann_file.endswith('Segmentation/train.txt')
    assert cfg.test_dataloader.batch_size == 2 and cfg.test_cfg == dict(type='TestLoop')
    own_test = tmp_path / 'own_test.py'
    own_test.write_text(f"_base_ = '{base}'\n"
                        "test_dataloader = dict(batch_size=1, num_workers=0, sampler=dict("
                        "type='DefaultSampler', shuffle=False), dataset=dict(split='train'))\n")
    cfg = load_config(str(own_test))
    assert cfg.val_dataloader.dataset.ann_file.endswith('Segmentation/val.txt')
    assert cfg.test_dataloader.dataset.ann_file.endswith('Segmentation/train.txt')
    assert load_config(osp.join(CONFIGS, 'irn', 'irn_toy.py')).get('test_dataloader') is None


def test_dataset_and_data_root_reach_every_loader_and_the_inference_datasets(tmp_path, tiny_toy):
    my_data = write_dataset_config(tmp_path, '/nowhere')
    cfg = load_config(osp.join(CONFIGS, 'amn', 'amn_toy.py'), dataset=my_data,
                      cfg_options={'data_root': tiny_toy})
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        ds = cfg[loader].dataset
        assert (ds.type, ds.data_root) == ('WSSSDataset', tiny_toy)
        assert ds.metainfo.classes == ('background', 'cat', 'dog')
    assert cfg.train_dataloader.dataset.data_prefix.seg_map_path == 'ir_label'
    assert cfg.val_dataloader.dataset.ann_file.endswith('Segmentation/train.txt')  # eval_split
    assert cfg.val_dataloader.dataset.data_prefix.seg_map_path == 'SegmentationClass'
    assert cfg.dataset_config == my_data
    # The inference dataset of the tools: the VOC-layout default of the dataset config.
    toy = load_config(osp.join(CONFIGS, 'cam', 'cam_toy.py'), cfg_options={'data_root': tiny_toy})
    ds = build_split_dataset(toy, 'train_split', seg_map_path='gt')
    assert len(ds) == 16 and ds.data_root == tiny_toy
    assert ds.get_data_info(0)['seg_map_path'].startswith(osp.join(tiny_toy, 'SegmentationClass'))


def test_bad_dataset_configs_and_splits_are_named(tmp_path):
    not_dataset = osp.join(CONFIGS, 'cam', 'cam_toy.py')
    with pytest.raises(DatasetConfigError, match='only the dataset keys'):
        load_config(osp.join(CONFIGS, 'irn', 'irn_toy.py'), dataset=not_dataset)
    with pytest.raises(FileNotFoundError, match='dataset config not found: nope.py'):
        load_config(not_dataset, dataset='nope.py')
    cfg = load_config(not_dataset)
    with pytest.raises(DatasetConfigError, match="unknown split 'train2014'; the dataset has "
                                                 'train, train_aug, val'):
        build_split_dataset(cfg, 'train2014')
    nameless = tmp_path / 'nameless.py'
    nameless.write_text(f"_base_ = '{VOC}'\ndataset_type = 'WSSSDataset'\n")
    with pytest.raises(DatasetConfigError, match='names no classes: set `class_names`'):
        load_config(not_dataset, dataset=str(nameless))


def test_one_task_base_serves_every_crop_size():
    def crop(config):
        cfg = load_config(osp.join(CONFIGS, config))
        return next(t['crop_size'] for t in cfg.train_dataloader.dataset.pipeline
                    if t['type'] == 'RandomCrop'), cfg.train_dataloader.batch_size

    assert crop('deeplabv2/deeplabv2_r101_voc_gt.py') == ((321, 321), 10)
    assert crop('deeplabv2/deeplabv2_r101_coco14_gt.py') == ((481, 481), 20)
    assert crop('deeplabv2/deeplabv2_toy.py') == ((128, 128), 8)
    assert crop('irn/irn_r50_voc.py') == ((512, 512), 32)
    assert crop('amn/amn_toy.py') == ((128, 128), 8)
    assert crop('cam/cam_toy.py') == ((128, 128), 8)


def test_detection_loaders_bind_the_instances_json(tmp_path):
    """``annotations='instances'``: MMDetection's CocoDataset of the split's json over the
    foreground classes, the CocoMetric on the val json, the box head's class count."""
    det = osp.join(CONFIGS, 'bbam', 'faster-rcnn_r18_fpn_toy.py')
    cfg = load_config(det, cfg_options={'data_root': '/data/toy'})
    train, val = cfg.train_dataloader.dataset, cfg.val_dataloader.dataset
    assert (train.type, train.ann_file, train.data_prefix) == (
        'CocoDataset', 'annotations/instances_train_aug.json', dict(img='JPEGImages/'))
    assert train.metainfo.classes == ('cat', 'dog', 'bird', 'fish')
    assert val.ann_file == 'annotations/instances_val.json'
    assert cfg.val_evaluator.ann_file == '/data/toy/annotations/instances_val.json'
    assert cfg.model.roi_head.bbox_head.num_classes == 4
    assert next(t for t in val.pipeline if t['type'] == 'Resize')['scale'] == (200, 128)
    # a dataset config whose splits name no instances json: the error says which
    boxless = tmp_path / 'boxless.py'
    boxless.write_text(f"_base_ = '{VOC}'\nsplits = dict(train_aug=dict(_delete_=True, "
                       "ann_file='train_aug.txt', gt_seg_map_path='SegmentationClassAug'))\n")
    with pytest.raises(DatasetConfigError, match="split 'train_aug' has no `instances` json"):
        load_config(det, dataset=str(boxless))
