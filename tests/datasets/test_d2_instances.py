"""Instances jsons as Detectron2 datasets: categories matched by name to the dataset's classes
(not by the json's sorted ids), ignore regions paired with their instances, and the mapper
that carries each mask and its region through the same resize and flip."""
import json

import numpy as np
import pytest

from wsss_plugins.utils.coco import mask_rle

CLASSES = ('cat', 'dog', 'bird')


def _write(path, anns, images=({'id': 7, 'file_name': 'a.jpg', 'height': 40, 'width': 60},),
           categories=({'id': 9, 'name': 'cat'}, {'id': 3, 'name': 'dog'})):
    path.write_text(json.dumps(dict(images=list(images), annotations=anns,
                                    categories=list(categories))))
    return str(path)


def _rect(y1, y2, x1, x2):
    m = np.zeros((40, 60), bool)
    m[y1:y2, x1:x2] = True
    return m


def _ann(i, cat, box, mask):
    return dict(id=i, image_id=7, category_id=cat, bbox=box, iscrowd=0, area=1.0,
                segmentation=mask_rle(mask))


def test_categories_by_name_and_ignore_regions_paired(tmp_path):
    from wsss_plugins.datasets.d2_instances import instance_dicts
    masks = _write(tmp_path / 'th085.json', [_ann(1, 3, [10, 5, 20, 15], _rect(5, 20, 10, 30)),
                                             _ann(2, 9, [30, 10, 25, 25], _rect(10, 35, 30, 55))])
    ignore = _write(tmp_path / 'th02.json', [_ann(1, 9, [30, 10, 25, 25], _rect(8, 38, 28, 58)),
                                             _ann(2, 3, [10, 5, 20, 15], _rect(2, 25, 5, 35))])
    (record,) = instance_dicts(masks, str(tmp_path), CLASSES, ignore)
    assert record['file_name'] == str(tmp_path / 'a.jpg') and record['image_id'] == 7
    dog, cat = record['annotations']
    assert (dog['category_id'], cat['category_id']) == (1, 0)  # dataset order, not id order
    assert dog['ignore_segmentation'] == mask_rle(_rect(2, 25, 5, 35))
    assert cat['ignore_segmentation'] == mask_rle(_rect(8, 38, 28, 58))


def test_unknown_category_and_missing_region_are_named(tmp_path):
    from wsss_plugins.datasets.d2_instances import instance_dicts
    masks = _write(tmp_path / 'm.json', [_ann(1, 3, [10, 5, 20, 15], _rect(5, 20, 10, 30))])
    empty = _write(tmp_path / 'i.json', [])
    with pytest.raises(ValueError, match=r'i\.json: no ignore region for the box'):
        instance_dicts(masks, str(tmp_path), CLASSES, empty)
    odd = _write(tmp_path / 'o.json', [], categories=({'id': 1, 'name': 'horse'},))
    with pytest.raises(ValueError, match="o.json: category 'horse' is not a class"):
        instance_dicts(odd, str(tmp_path), CLASSES)


def test_mapper_resizes_and_flips_mask_and_region_together(tmp_path):
    import detectron2.data.transforms as T
    from PIL import Image

    from wsss_plugins.datasets.d2_instances import ignore_region_mapper_class
    Image.fromarray(np.zeros((40, 60, 3), np.uint8)).save(tmp_path / 'a.jpg')
    fg, region = _rect(5, 20, 10, 30), _rect(2, 25, 5, 35)
    record = dict(file_name=str(tmp_path / 'a.jpg'), height=40, width=60, image_id=7,
                  annotations=[dict(bbox=[10, 5, 20, 15], bbox_mode=1, category_id=1,
                                    segmentation=mask_rle(fg), ignore_segmentation=mask_rle(
                                        region)),
                               dict(bbox=[40, 30, 10, 5], bbox_mode=1, category_id=0,
                                    segmentation=mask_rle(_rect(30, 35, 40, 50)))])
    mapper = ignore_region_mapper_class()(
        is_train=True, augmentations=[T.ResizeShortestEdge(80, 200), T.RandomFlip(prob=1.0)],
        image_format='BGR', use_instance_mask=True, instance_mask_format='bitmask')
    inst = mapper(record)['instances']
    twice = lambda m: np.fliplr(m.repeat(2, 0).repeat(2, 1))  # noqa: E731
    assert np.array_equal(inst.gt_masks.tensor[0].numpy(), twice(fg))
    assert np.array_equal(inst.gt_ignore_masks.tensor[0].numpy(), twice(region))
    # no region: the mask is its own region
    assert np.array_equal(inst.gt_ignore_masks.tensor[1].numpy(), inst.gt_masks.tensor[1].numpy())
    assert inst.gt_boxes.tensor[0].tolist() == [120 - 60, 10, 120 - 20, 40]
    assert inst.gt_classes.tolist() == [1, 0]


def test_a_test_json_must_list_every_class(tmp_path):
    """COCOEvaluator scores a json's own categories as the class list: a test split's json
    without 'bird' is refused by name; a training json may lack a class."""
    from wsss_plugins.datasets.d2_instances import register_split_instances
    path = _write(tmp_path / 'val.json', [])
    with pytest.raises(ValueError, match="val.json: no category for bird"):
        register_split_instances('wsss_test_every_class', path, str(tmp_path), CLASSES,
                                 every_class=True)
    assert register_split_instances('wsss_test_train_subset', path, str(tmp_path),
                                    CLASSES) == 'wsss_test_train_subset'
