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
