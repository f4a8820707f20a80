"""COCO-format instance files (RLE masks), the one writer of every pseudo-instance json
(BBAM's ``instances_*.json``, IRN's instance pass) that MMDetection's ``CocoDataset`` and
``tools/eval_instances.py`` read."""
import json

import numpy as np

from .io import atomic_write


def mask_rle(mask):
    """Bool ``[H, W]`` → COCO RLE with a str ``counts`` (json-serialisable)."""
    from pycocotools import mask as mask_utils
    rle = mask_utils.encode(np.asfortranarray(np.asarray(mask, np.uint8)))
    return dict(size=[int(s) for s in rle['size']], counts=rle['counts'].decode('ascii'))


def decode_segmentation(segm, height, width):
    """uint8 ``[H, W]`` of a COCO polygon list or RLE (str or bytes counts)."""
    from pycocotools import mask as mask_utils
    if isinstance(segm, list):
        rle = mask_utils.merge(mask_utils.frPyObjects(segm, height, width))
    elif isinstance(segm['counts'], list):
        rle = mask_utils.frPyObjects(segm, height, width)
    else:
        rle = dict(segm, counts=segm['counts'].encode() if isinstance(segm['counts'], str)
                   else segm['counts'])
    return mask_utils.decode(rle).astype(np.uint8)


def rle_area_bbox(rle):
    """``(area, [x, y, w, h])`` of a str-counts RLE."""
    from pycocotools import mask as mask_utils
    encoded = dict(rle, counts=rle['counts'].encode())
    return float(mask_utils.area(encoded)), [float(v) for v in mask_utils.toBbox(encoded)]


def write_instances_json(path, images, class_names):
    """``images``: dicts ``file_name, height, width, instances`` with instances dicts
    ``category_id`` (1-based: ``class_names[0]`` is the background), ``segmentation`` (RLE),
    ``score`` and optionally ``bbox`` (default: the mask's box). Ids count from 1."""
    records, anns = [], []
    for image_id, image in enumerate(images, start=1):
        records.append(dict(id=image_id, file_name=image['file_name'],
                            height=int(image['height']), width=int(image['width'])))
        for inst in image['instances']:
            area, mask_box = rle_area_bbox(inst['segmentation'])
            anns.append(dict(id=len(anns) + 1, image_id=image_id,
                             category_id=int(inst['category_id']),
                             segmentation=inst['segmentation'], area=area,
                             score=float(inst['score']), iscrowd=0,
                             bbox=list(inst.get('bbox', mask_box))))
    categories = [dict(id=c, name=n) for c, n in enumerate(class_names) if c > 0]
    with atomic_write(path, 'w') as f:
        json.dump(dict(images=records, annotations=anns, categories=categories), f)
    return len(anns)


def box_key(box):
    """A json ``[x, y, w, h]`` box as a lookup key (``x1 + w − x1`` is not exactly ``w`` in
    floats)."""
    return tuple(round(float(v), 3) for v in box)


def ignore_region_index(path):
    """``{(file_name, box_key, category_id): [segmentation, ...]}`` of an ignore-region json
    (BBAM's th 0.2 instances): the lookup that pairs each th 0.85 instance with its region
    (the two jsons of ``tools/make_bbam_labels.py`` hold the same boxes), for the MMDetection
    and the Detectron2 datasets alike."""
    import os.path as osp
    if not osp.isfile(path):
        raise FileNotFoundError(f'no ignore-region json {path}')
    with open(path) as f:
        ignore = json.load(f)
    files = {img['id']: img['file_name'] for img in ignore['images']}
    index = {}
    for ann in ignore['annotations']:
        key = (files[ann['image_id']], box_key(ann['bbox']), ann['category_id'])
        index.setdefault(key, []).append(ann['segmentation'])
    return index


class IgnoreRegionMatcher:
    """The ignore regions of one json, handed out per image in annotation order (two
    instances with the same box and class take the regions in turn)."""

    def __init__(self, path):
        self.path, self.index = path, ignore_region_index(path)

    def regions(self, file_name, anns, masks_json):
        """Segmentations for ``anns`` (COCO annotations of ``file_name``, json boxes)."""
        used, out = {}, []
        for ann in anns:
            key = (file_name, box_key(ann['bbox']), ann['category_id'])
            candidates, k = self.index.get(key, []), used.get(key, 0)
            if k >= len(candidates):
                raise ValueError(f'{self.path}: no ignore region for the box {key[1]} (class id '
                                 f'{key[2]}) of {file_name} in {masks_json} (jsons of different '
                                 'label passes?)')
            used[key] = k + 1
            out.append(candidates[k])
        return out
