"""BBAMInstanceDataset + LoadAnnotationsWithIgnore: each instance's ignore region travels
with its mask through resize and flip; a missing ignore region is named."""
import json
import os.path as osp

import numpy as np
import pytest


def rle(mask):
    from pycocotools import mask as mask_utils
    r = mask_utils.encode(np.asfortranarray(mask.astype(np.uint8)))
    return dict(size=r['size'], counts=r['counts'].decode('ascii'))


def write(path, anns, h, w):
    with open(path, 'w') as f:
        json.dump(dict(images=[dict(id=1, file_name='a.jpg', height=h, width=w)],
                       categories=[dict(id=1, name='cat'), dict(id=2, name='dog')],
                       annotations=anns), f)


@pytest.fixture
def labels(tmp_path):
    from PIL import Image
    (tmp_path / 'JPEGImages').mkdir()
    h, w = 40, 60
    Image.fromarray(np.random.default_rng(0).integers(0, 255, (h, w, 3), np.uint8)).save(
        tmp_path / 'JPEGImages' / 'a.jpg')
    boxes = [(5, 5, 20, 20), (30, 10, 25, 25)]  # x, y, w, h
    fg, ignore = [], []
    for x, y, bw, bh in boxes:
        m = np.zeros((h, w), bool)
        m[y + 4:y + bh - 4, x + 4:x + bw - 4] = True
        fg.append(m)
        g = np.zeros((h, w), bool)
        g[y:y + bh, x:x + bw] = True
        ignore.append(g)
    ann = lambda i, masks: dict(id=i + 1, image_id=1, category_id=i + 1,  # noqa: E731
                                bbox=list(boxes[i]), area=float(masks[i].sum()), iscrowd=0,
                                segmentation=rle(masks[i]))
    write(tmp_path / 'fg.json', [ann(0, fg), ann(1, fg)], h, w)
    write(tmp_path / 'ignore.json', [ann(1, ignore), ann(0, ignore)], h, w)  # other order
    return tmp_path, fg, ignore


def build(root, ignore_file, pipeline):
    import wsss_plugins  # noqa: F401
    from mmdet.registry import DATASETS
    from mmengine.registry import init_default_scope
    init_default_scope('mmdet')
    return DATASETS.build(dict(type='BBAMInstanceDataset', data_root=str(root),
                               ann_file='fg.json', ignore_ann_file=ignore_file,
                               data_prefix=dict(img='JPEGImages/'),
                               metainfo=dict(classes=('cat', 'dog')), pipeline=pipeline))


def test_ignore_regions_travel_with_their_masks(labels):
    import mmcv
    root, fg, ignore = labels
    pipeline = [dict(type='LoadImageFromFile'),
                dict(type='LoadAnnotationsWithIgnore', with_bbox=True, with_mask=True),
                dict(type='Resize', scale=(90, 60), keep_ratio=True),
                dict(type='RandomFlip', prob=1.0, direction='horizontal')]
    results = build(root, 'ignore.json', pipeline)[0]
    packed = results['gt_masks'].masks
    assert packed.shape == (2, 60, 90)
    for k in range(2):
        for bit, masks in ((0, fg), (1, ignore)):
            want = mmcv.imresize(masks[k].astype(np.uint8), (90, 60),
                                 interpolation='nearest')[:, ::-1]
            np.testing.assert_array_equal((packed[k] >> bit) & 1, want)


def test_without_ignore_file_masks_are_plain_and_a_missing_region_is_named(labels):
    root, fg, _ = labels
    pipeline = [dict(type='LoadImageFromFile'),
                dict(type='LoadAnnotationsWithIgnore', with_bbox=True, with_mask=True)]
    plain = build(root, None, pipeline)[0]['gt_masks'].masks
    assert plain.max() == 1
    np.testing.assert_array_equal(plain, np.stack(fg).astype(np.uint8))
    with open(osp.join(root, 'ignore.json')) as f:
        data = json.load(f)
    data['annotations'] = data['annotations'][:1]
    with open(osp.join(root, 'ignore_short.json'), 'w') as f:
        json.dump(data, f)
    with pytest.raises(ValueError, match='no ignore region for the box'):
        build(root, 'ignore_short.json', pipeline)
