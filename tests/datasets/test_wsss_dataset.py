import os
import os.path as osp
import shutil

import numpy as np
import pytest
from mmengine.registry import init_default_scope
from PIL import Image

from wsss_plugins.datasets import DataError, ToyVOCDataset, VOC12Dataset


@pytest.fixture(scope='module')
def small_toy(tmp_path_factory):
    """A private 12+4-image toy set that tests may corrupt."""
    from wsss_plugins.datasets.toy import make_toy_dataset
    root = str(tmp_path_factory.mktemp('small_toy'))
    make_toy_dataset(root, splits=dict(train_aug=12, val=4), progress_bar=False)
    init_default_scope('mmseg')
    return root


def copy_toy(small_toy, tmp_path):
    root = str(tmp_path / 'toy')
    shutil.copytree(small_toy, root)
    return root


PIPELINE = [dict(type='LoadCheckedImage'), dict(type='LoadCheckedAnnotations'),
            dict(type='PackWSSSInputs')]


def test_image_level_labels_from_png_and_xml_agree(small_toy):
    a = ToyVOCDataset(data_root=small_toy, img_labels_from='SegmentationClass',
                      ann_file='ImageSets/Segmentation/train_aug.txt')
    b = ToyVOCDataset(data_root=small_toy, img_labels_from='Annotations',
                      ann_file='ImageSets/Segmentation/train_aug.txt')
    assert len(a) == 12
    for i in range(len(a)):
        la, lb = a.get_data_info(i)['img_labels'], b.get_data_info(i)['img_labels']
        assert la.shape == (4,) and la.dtype == np.float32
        np.testing.assert_array_equal(la, lb)
        name = osp.basename(a.get_data_info(i)['img_path'])[:-4]
        gt = np.asarray(Image.open(osp.join(small_toy, 'SegmentationClass', name + '.png')))
        assert set(np.nonzero(la)[0] + 1) == set(np.unique(gt)) - {0}
    # cached once: the cache file exists next to the label source
    assert any(f.startswith('.img_labels_SegmentationClass') for f in os.listdir(small_toy))


def test_sample_packs_image_labels_and_seg_map(small_toy):
    ds = ToyVOCDataset(data_root=small_toy, data_prefix=dict(seg_map_path='SegmentationClass'),
                       pipeline=PIPELINE)
    sample = ds[0]
    ds_meta = sample['data_samples'].metainfo
    assert sample['inputs'].shape[0] == 3
    assert tuple(sample['inputs'].shape[1:]) == tuple(ds_meta['ori_shape'])
    assert sample['data_samples'].gt_sem_seg.data.shape[1:] == sample['inputs'].shape[1:]
    np.testing.assert_array_equal(ds_meta['img_labels'], ds.get_data_info(0)['img_labels'])


def test_image_level_only_dataset_has_no_seg_map(small_toy):
    ds = ToyVOCDataset(data_root=small_toy, pipeline=[dict(type='LoadCheckedImage'),
                                                      dict(type='PackWSSSInputs')])
    assert 'seg_map_path' not in ds.get_data_info(0)
    assert 'gt_sem_seg' not in ds[0]['data_samples']


def test_irn_integer_ids_in_list_files(small_toy, tmp_path):
    root = copy_toy(small_toy, tmp_path)
    os.rename(osp.join(root, 'JPEGImages', 'toy_000000.jpg'),
              osp.join(root, 'JPEGImages', '2007_000032.jpg'))
    shutil.copy(osp.join(root, 'Annotations', 'toy_000000.xml'),
                osp.join(root, 'Annotations', '2007_000032.xml'))
    with open(osp.join(root, 'ids.txt'), 'w') as f:
        f.write('2007000032\n')
    ds = ToyVOCDataset(data_root=root, ann_file='ids.txt')
    assert ds.get_data_info(0)['img_path'].endswith('2007_000032.jpg')


# Bad input: every error names the file and the problem ---------------------------------

def test_missing_image(small_toy, tmp_path):
    root = copy_toy(small_toy, tmp_path)
    os.remove(osp.join(root, 'JPEGImages', 'toy_000003.jpg'))
    with pytest.raises(DataError, match=r'missing .*toy_000003\.jpg'):
        ToyVOCDataset(data_root=root)


def test_corrupt_image(small_toy, tmp_path):
    root = copy_toy(small_toy, tmp_path)
    with open(osp.join(root, 'JPEGImages', 'toy_000002.jpg'), 'wb') as f:
        f.write(b'\xff\xd8 not a jpeg')
    ds = ToyVOCDataset(data_root=root, pipeline=PIPELINE[:1] + PIPELINE[2:])
    ds[0]  # other images still load
    with pytest.raises(DataError, match=r'toy_000002\.jpg: cannot decode image'):
        ds[2]


def test_label_values_out_of_range(small_toy, tmp_path):
    root = copy_toy(small_toy, tmp_path)
    path = osp.join(root, 'SegmentationClass', 'toy_000001.png')
    label = np.asarray(Image.open(path)).copy()
    label[0, 0] = 9  # toy has 5 classes; 255 stays legal
    label[0, 1] = 255
    Image.fromarray(label).save(path)
    with pytest.raises(DataError, match=r'toy_000001\.png: label values \[9\] outside 0\.\.4'):
        ToyVOCDataset(data_root=root, img_labels_from='SegmentationClass')
    # the per-sample check catches it in a pseudo-label directory too
    pseudo = osp.join(root, 'pseudo')
    shutil.copytree(osp.join(small_toy, 'SegmentationClass'), pseudo)
    shutil.copy(path, osp.join(pseudo, 'toy_000001.png'))
    ds = ToyVOCDataset(data_root=root, data_prefix=dict(seg_map_path='pseudo'),
                       pipeline=PIPELINE)
    with pytest.raises(DataError, match=r'toy_000001\.png: label values \[9\]'):
        ds[1]


def test_image_label_size_mismatch(small_toy, tmp_path):
    root = copy_toy(small_toy, tmp_path)
    path = osp.join(root, 'SegmentationClass', 'toy_000004.png')
    Image.fromarray(np.zeros((10, 10), np.uint8)).save(path)
    ds = ToyVOCDataset(data_root=root, data_prefix=dict(seg_map_path='SegmentationClass'),
                       img_labels_from='Annotations', pipeline=PIPELINE)
    with pytest.raises(DataError, match=r'toy_000004\.png: label size \(10, 10\) != image size'):
        ds[4]


def test_empty_split_list(small_toy, tmp_path):
    root = copy_toy(small_toy, tmp_path)
    open(osp.join(root, 'empty.txt'), 'w').close()
    with pytest.raises(DataError, match=r'empty\.txt'):
        ToyVOCDataset(data_root=root, ann_file='empty.txt')


def test_unknown_class_name_in_xml(small_toy, tmp_path):
    root = copy_toy(small_toy, tmp_path)
    path = osp.join(root, 'Annotations', 'toy_000005.xml')
    text = open(path).read()
    first = text.split('<name>')[1].split('</name>')[0]
    open(path, 'w').write(text.replace(f'<name>{first}</name>', '<name>unicorn</name>', 1))
    with pytest.raises(DataError, match=r"toy_000005\.xml: unknown class name 'unicorn'"):
        ToyVOCDataset(data_root=root, img_labels_from='Annotations')


def test_seed_directory_from_another_dataset(small_toy, tmp_path):
    root = copy_toy(small_toy, tmp_path)
    os.makedirs(osp.join(root, 'other'))
    with pytest.raises(DataError, match=r'label map\(s\) .* missing in .*other'):
        ToyVOCDataset(data_root=root, data_prefix=dict(seg_map_path='other'))


def test_voc_dataset_has_21_classes(small_toy):
    # the toy set has VOC layout but not all VOC class names: 'fish' is rejected
    assert len(VOC12Dataset.METAINFO['classes']) == 21
    with pytest.raises(DataError, match="unknown class name 'fish'"):
        VOC12Dataset(data_root=small_toy, ann_file='ImageSets/Segmentation/train_aug.txt',
                     img_labels_from='Annotations')


def test_image_labels_come_from_the_xml_in_every_loader_unless_pngs_are_asked_for(small_toy,
                                                                                 tmp_path):
    """VOC layout: Annotations/*.xml (IRN's cls_labels.npy) by default, in the classifier
    loader, the inference datasets of the tools and the segmentation loaders alike."""
    from mmseg.registry import DATASETS

    from wsss_plugins.datasets import build_split_dataset, load_config
    root = copy_toy(small_toy, tmp_path)
    path = osp.join(root, 'Annotations', 'toy_000000.xml')
    text = open(path).read()
    present = ToyVOCDataset(data_root=small_toy).get_data_info(0)['img_labels']
    absent = next(c for c in ('cat', 'dog', 'bird', 'fish')
                  if not present[['cat', 'dog', 'bird', 'fish'].index(c)])
    extra = f'<object><name>{absent}</name><difficult>0</difficult></object></annotation>'
    open(path, 'w').write(text.replace('</annotation>', extra))
    expected = present.copy()
    expected[['cat', 'dog', 'bird', 'fish'].index(absent)] = 1

    configs = osp.join(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))), 'configs')
    options = dict(data_root=root)
    cls_cfg = load_config(osp.join(configs, 'cam', 'cam_toy.py'), cfg_options=options)
    seg_cfg = load_config(osp.join(configs, 'deeplabv2', 'deeplabv2_toy.py'), cfg_options=options)
    loaders = [cls_cfg.train_dataloader.dataset, seg_cfg.train_dataloader.dataset]
    datasets = [DATASETS.build(ds) for ds in loaders]
    datasets.append(build_split_dataset(cls_cfg, 'train_aug'))
    for ds in datasets:
        np.testing.assert_array_equal(ds.get_data_info(0)['img_labels'], expected)
    from_png = ToyVOCDataset(data_root=root, img_labels_from='SegmentationClass')
    np.testing.assert_array_equal(from_png.get_data_info(0)['img_labels'], present)
