import json
import os
import os.path as osp

import numpy as np
import pytest
from PIL import Image

from wsss_plugins.datasets.converters import (coco_instances_to_semantic, sbd_to_voc_aug,
                                              voc_xml_to_coco)
from wsss_plugins.datasets.toy import TOY_CLASSES


def test_coco_converter_reproduces_toy_semantic_labels(toy_root, tmp_path):
    """The toy json (non-contiguous category ids 3,5,7,9) rasterises back to the toy PNGs."""
    names = coco_instances_to_semantic(osp.join(toy_root, 'annotations', 'instances_val.json'),
                                       str(tmp_path), 'val')
    assert len(names) == 60
    for name in names[:20]:
        ours = np.asarray(Image.open(tmp_path / 'SegmentationClass' / 'val' / f'{name}.png'))
        gt = np.asarray(Image.open(osp.join(toy_root, 'SegmentationClass', f'{name}.png')))
        np.testing.assert_array_equal(ours, gt)
    labels = json.load(open(tmp_path / 'cls_labels_val.json'))
    gt = np.asarray(Image.open(osp.join(toy_root, 'SegmentationClass', f'{names[0]}.png')))
    assert labels[names[0]] == sorted(set(np.unique(gt).tolist()) - {0})
    assert open(tmp_path / 'ImageSets' / 'val.txt').read().split() == names


def test_coco_converter_overlap_priority_and_crowd(tmp_path):
    """A small object painted over a large one stays visible; crowd → class or 255."""
    from pycocotools import mask as mask_utils

    def rle(mask):
        r = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
        return dict(size=r['size'], counts=r['counts'].decode())
    big = np.zeros((20, 20), bool)
    big[2:18, 2:18] = True
    small = np.zeros((20, 20), bool)
    small[5:8, 5:8] = True
    crowd = np.zeros((20, 20), bool)
    crowd[0, :] = True
    coco = dict(images=[dict(id=1, file_name='a.jpg', height=20, width=20),
                        dict(id=2, file_name='empty.jpg', height=20, width=20),
                        dict(id=3, file_name='b.jpg', height=20, width=20)],
                categories=[dict(id=90, name='z'), dict(id=1, name='a')],
                annotations=[dict(id=1, image_id=1, category_id=90, segmentation=rle(small),
                                  area=9, bbox=[5, 5, 3, 3], iscrowd=0),
                             dict(id=2, image_id=1, category_id=1, segmentation=rle(big),
                                  area=256, bbox=[2, 2, 16, 16], iscrowd=0),
                             dict(id=3, image_id=1, category_id=90, segmentation=rle(crowd),
                                  area=20, bbox=[0, 0, 20, 1], iscrowd=1),
                             # b: class 2 ('z') only as a crowd region
                             dict(id=4, image_id=3, category_id=1, segmentation=rle(small),
                                  area=9, bbox=[5, 5, 3, 3], iscrowd=0),
                             dict(id=5, image_id=3, category_id=90, segmentation=rle(crowd),
                                  area=20, bbox=[0, 0, 20, 1], iscrowd=1)])
    ann = tmp_path / 'inst.json'
    ann.write_text(json.dumps(coco))
    for mode, crowd_value, b_labels in (('class', 2, [1, 2]), ('ignore', 255, [1])):
        out = tmp_path / mode
        names = coco_instances_to_semantic(str(ann), str(out), 's', crowd=mode)
        assert names == ['a', 'b']  # the image without annotations is skipped
        # a class present only as an ignored crowd region is no image label
        assert json.load(open(out / 'cls_labels_s.json')) == {'a': [1, 2], 'b': b_labels}
        label = np.asarray(Image.open(out / 'SegmentationClass' / 's' / 'a.png'))
        assert label[6, 6] == 2  # id 90 → class 2 (ascending ids), on top of the big object
        assert label[10, 10] == 1
        assert label[0, 5] == crowd_value
        assert label[19, 19] == 0


def test_voc_xml_to_coco_matches_toy_json(toy_root, tmp_path):
    ours = voc_xml_to_coco(toy_root, osp.join(toy_root, 'ImageSets/Segmentation/val.txt'),
                           TOY_CLASSES, str(tmp_path / 'boxes.json'))
    ref = json.load(open(osp.join(toy_root, 'annotations', 'instances_val.json')))
    assert [c['name'] for c in ours['categories']] == ['cat', 'dog', 'bird', 'fish']
    ref_names = {c['id']: c['name'] for c in ref['categories']}
    ours_names = {c['id']: c['name'] for c in ours['categories']}

    def boxes(coco, names):
        files = {im['id']: im['file_name'] for im in coco['images']}
        return sorted((files[a['image_id']], names[a['category_id']],
                       tuple(float(v) for v in a['bbox'])) for a in coco['annotations'])
    assert boxes(ours, ours_names) == boxes(ref, ref_names)
    assert json.load(open(tmp_path / 'boxes.json')) == ours


def test_sbd_to_voc_aug(tmp_path):
    from scipy.io import savemat
    voc, sbd = tmp_path / 'VOC2012', tmp_path / 'sbd'
    os.makedirs(voc / 'ImageSets' / 'Segmentation')
    os.makedirs(voc / 'SegmentationClass')
    os.makedirs(sbd / 'dataset' / 'cls')
    (voc / 'ImageSets/Segmentation/train.txt').write_text('v1\nv2\n')
    (voc / 'ImageSets/Segmentation/val.txt').write_text('v3\n')
    (sbd / 'dataset/train.txt').write_text('s1\nv3\n')
    (sbd / 'dataset/val.txt').write_text('v2\n')
    for name, value in (('v1', 1), ('v2', 2), ('v3', 3)):
        Image.fromarray(np.full((4, 5), value, np.uint8)).save(voc / 'SegmentationClass' / f'{name}.png')
    for name, value in (('s1', 7), ('v2', 9), ('v3', 9)):
        savemat(sbd / 'dataset' / 'cls' / f'{name}.mat',
                {'GTcls': {'Segmentation': np.full((4, 5), value, np.uint8)}})
    names = sbd_to_voc_aug(str(voc), str(sbd))
    assert names == ['s1', 'v1', 'v2']  # (SBD ∪ VOC train) − VOC val
    assert (voc / 'ImageSets/Segmentation/train_aug.txt').read_text().split() == names
    aug = voc / 'SegmentationClassAug'
    assert np.asarray(Image.open(aug / 's1.png')).max() == 7  # from SBD
    assert np.asarray(Image.open(aug / 'v2.png')).max() == 2  # VOC's own PNG wins
    assert np.asarray(Image.open(aug / 'v3.png')).max() == 3  # val covered too


def test_missing_annotation_file(tmp_path):
    from wsss_plugins.datasets import DataError
    with pytest.raises(DataError, match='annotation file not found'):
        coco_instances_to_semantic(str(tmp_path / 'nope.json'), str(tmp_path), 's')


def test_voc_xml_to_coco_with_masks_rasterises_back_to_the_instance_maps(tiny_toy, tmp_path):
    from pycocotools.coco import COCO
    voc_xml_to_coco(tiny_toy, osp.join(tiny_toy, 'ImageSets/Segmentation/val.txt'),
                    TOY_CLASSES, str(tmp_path / 'val.json'), with_masks=True)
    coco = COCO(str(tmp_path / 'val.json'))
    for img in coco.loadImgs(coco.getImgIds()):
        inst = np.asarray(Image.open(osp.join(tiny_toy, 'SegmentationObject',
                                              img['file_name'].replace('.jpg', '.png'))))
        anns = coco.loadAnns(coco.getAnnIds(imgIds=[img['id']]))
        assert len(anns) == len(set(np.unique(inst)) - {0, 255})
        for k, ann in enumerate(anns, 1):
            np.testing.assert_array_equal(coco.annToMask(ann), inst == k)
            assert ann['area'] == (inst == k).sum()
