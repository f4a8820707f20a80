"""A deterministic synthetic dataset in the exact PASCAL VOC layout.

Every object is a large plain *body* (an ellipse) with a small discriminative
*head* (a disc whose colour and stripe pattern identify the class).  Body colours
come from a palette shared by all classes, with a class-preferred shade drawn
more often, and some objects show no head (turned away), so the body is weak
evidence a classifier still needs and the head strong evidence: CAM seeds peak on
the head and fade over the body — the under-coverage that WSSS methods (AdvCAM,
AMN, IRN) are built to fix.  Images hold 1–3 instances of 1–2 co-occurring classes on
textured backgrounds, ~128 px, so a whole pipeline trains on 2 CPU cores.

Layout written (``root`` = e.g. ``data/toy_voc``)::

    JPEGImages/<name>.jpg           SegmentationClass/<name>.png (palette, 0..4)
    SegmentationObject/<name>.png   Annotations/<name>.xml (VOC, with boxes)
    ImageSets/Segmentation/{train_aug,train,val}.txt
    annotations/instances_{train_aug,val}.json   (COCO format, RLE masks)

As in VOC, where seeds and masks are evaluated on ``train`` (1,464) inside
``train_aug`` (10,582), the toy ``train`` is the first tenth of ``train_aug``.
"""
import json
import os
import os.path as osp
import xml.etree.ElementTree as ET

import numpy as np
from PIL import Image

from .class_names import TOY_CLASSES, flat_palette

# Head colour (RGB) and stripe orientation per foreground class.
HEADS = {
    'cat': ((215, 45, 40), 'vertical'),
    'dog': ((40, 170, 60), 'horizontal'),
    'bird': ((45, 80, 225), 'diagonal'),
    'fish': ((230, 195, 35), 'dots'),
}
BODY_COLOURS = np.array([(150, 120, 95), (120, 110, 100), (170, 150, 120), (105, 95, 80),
                         (140, 135, 125)], dtype=np.float32)
BODY_CLASS_SHADE_PROB = 0.7  # class c's body takes shade c this often, else a random shade
HIDDEN_HEAD_PROB = 0.3  # objects whose head is not visible: only the body shows the class
# COCO-format category ids: deliberately non-contiguous, like COCO's 1..90.
TOY_COCO_CATEGORY_IDS = {'cat': 3, 'dog': 5, 'bird': 7, 'fish': 9}
SPLITS = {'train_aug': 300, 'val': 60}
TRAIN_FRACTION = 10  # train = the first 1/10 of train_aug (VOC: 1,464 of 10,582)


def _background(rng, h, w):
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = rng.uniform(60, 200, size=3).astype(np.float32)
    freq = rng.uniform(0.05, 0.3, size=2)
    phase = rng.uniform(0, 2 * np.pi)
    waves = np.sin(freq[0] * xx + freq[1] * yy + phase)[..., None] * rng.uniform(10, 35)
    noise = rng.normal(0, 12, size=(h, w, 3))
    img = base + waves + noise
    # A few soft blobs of random tint.
    for _ in range(rng.integers(1, 4)):
        cy, cx = rng.uniform(0, h), rng.uniform(0, w)
        r = rng.uniform(8, 30)
        blob = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r * r))[..., None]
        img += blob * rng.uniform(-50, 50, size=3)
    return img


def _ellipse(h, w, cy, cx, ry, rx, angle):
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    c, s = np.cos(angle), np.sin(angle)
    u = (xx - cx) * c + (yy - cy) * s
    v = -(xx - cx) * s + (yy - cy) * c
    return (u / rx) ** 2 + (v / ry) ** 2 <= 1.0


def _stripes(h, w, kind, period):
    yy, xx = np.mgrid[0:h, 0:w]
    if kind == 'vertical':
        return (xx // period) % 2 == 0
    if kind == 'horizontal':
        return (yy // period) % 2 == 0
    if kind == 'diagonal':
        return ((xx + yy) // period) % 2 == 0
    return ((xx // period) % 2 == 0) & ((yy // period) % 2 == 0)


def _object(rng, h, w):
    """Body + head geometry of one object (masks)."""
    rx, ry = rng.uniform(14, 26), rng.uniform(8, 15)
    cy, cx = rng.uniform(0.2 * h, 0.8 * h), rng.uniform(0.2 * w, 0.8 * w)
    angle = rng.uniform(0, np.pi)
    body = _ellipse(h, w, cy, cx, ry, rx, angle)
    side = rng.choice([-1, 1])
    hr = rng.uniform(5.5, 7.5)
    hy = cy + side * np.sin(angle) * (rx + hr * 0.4)
    hx = cx + side * np.cos(angle) * (rx + hr * 0.4)
    head = _ellipse(h, w, hy, hx, hr, hr, 0.0)
    return body, head


def render_sample(index, seed=0):
    """Render image ``index``: returns (rgb uint8, class map, instance map, objects)."""
    rng = np.random.default_rng([seed, index])
    h, w = int(rng.integers(96, 129)), int(rng.integers(112, 161))
    img = _background(rng, h, w)
    fg_names = list(HEADS)
    classes = rng.choice(len(fg_names), size=rng.integers(1, 3), replace=False)
    n_obj = int(rng.integers(max(1, len(classes)), 4))
    obj_classes = list(classes) + list(rng.choice(classes, size=n_obj - len(classes)))
    cls_map = np.zeros((h, w), np.uint8)
    inst_map = np.zeros((h, w), np.uint8)
    for k, c in enumerate(obj_classes, start=1):
        body, head = _object(rng, h, w)
        colour, pattern = HEADS[fg_names[c]]
        shade = c if rng.random() < BODY_CLASS_SHADE_PROB else rng.integers(len(BODY_COLOURS))
        img[body] = BODY_COLOURS[shade] + rng.normal(0, 6, (body.sum(), 3))
        stripes = _stripes(h, w, pattern, int(rng.integers(2, 4)))
        head_px = np.array(colour, np.float32) * np.where(stripes, 1.0, 0.55)[..., None]
        if rng.random() < HIDDEN_HEAD_PROB:
            head = np.zeros_like(head)
        img[head] = head_px[head] + rng.normal(0, 6, (head.sum(), 3))
        obj = body | head
        cls_map[obj] = c + 1
        inst_map[obj] = k
    objects = []
    for k, c in enumerate(obj_classes, start=1):
        mask = inst_map == k
        if mask.sum() < 20:  # (almost) fully occluded by later objects: dropped
            continue
        ys, xs = np.nonzero(mask)
        objects.append(dict(name=fg_names[c], mask=mask,
                            bbox=(int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max()))))
    # Renumber instances densely after dropping occluded ones.
    inst_out = np.zeros_like(inst_map)
    for k, obj in enumerate(objects, start=1):
        inst_out[obj['mask']] = k
    cls_map[inst_out == 0] = 0
    rgb = np.clip(img, 0, 255).astype(np.uint8)
    return rgb, cls_map, inst_out, objects


def _voc_xml(name, h, w, objects):
    ann = ET.Element('annotation')
    ET.SubElement(ann, 'folder').text = 'toy_voc'
    ET.SubElement(ann, 'filename').text = f'{name}.jpg'
    size = ET.SubElement(ann, 'size')
    for tag, val in (('width', w), ('height', h), ('depth', 3)):
        ET.SubElement(size, tag).text = str(val)
    ET.SubElement(ann, 'segmented').text = '1'
    for obj in objects:
        o = ET.SubElement(ann, 'object')
        ET.SubElement(o, 'name').text = obj['name']
        ET.SubElement(o, 'difficult').text = '0'
        box = ET.SubElement(o, 'bndbox')
        x1, y1, x2, y2 = obj['bbox']
        # VOC boxes are 1-based inclusive pixel coordinates.
        for tag, val in (('xmin', x1 + 1), ('ymin', y1 + 1), ('xmax', x2 + 1), ('ymax', y2 + 1)):
            ET.SubElement(box, tag).text = str(val)
    return ET.tostring(ann, encoding='unicode')


def make_toy_dataset(out, seed=0, splits=None, progress_bar=True):
    """Write the toy dataset to ``out``; returns {split: [names]}."""
    from pycocotools import mask as mask_utils

    from ..utils.io import atomic_save_png, atomic_write, progress
    splits = splits or SPLITS
    for sub in ('JPEGImages', 'SegmentationClass', 'SegmentationObject', 'Annotations',
                'ImageSets/Segmentation', 'annotations'):
        os.makedirs(osp.join(out, sub), exist_ok=True)
    palette = flat_palette()
    names_per_split, index = {}, 0
    for split, count in splits.items():
        names, images, anns = [], [], []
        items = range(index, index + count)
        for i in (progress(items, desc=f'toy {split}') if progress_bar else items):
            name = f'toy_{i:06d}'
            rgb, cls_map, inst_map, objects = render_sample(i, seed)
            h, w = cls_map.shape
            with atomic_write(osp.join(out, 'JPEGImages', f'{name}.jpg')) as f:
                Image.fromarray(rgb).save(f, format='JPEG', quality=95)
            atomic_save_png(osp.join(out, 'SegmentationClass', f'{name}.png'), cls_map, palette)
            atomic_save_png(osp.join(out, 'SegmentationObject', f'{name}.png'), inst_map, palette)
            with atomic_write(osp.join(out, 'Annotations', f'{name}.xml'), 'w') as f:
                f.write(_voc_xml(name, h, w, objects))
            image_id = i + 1
            images.append(dict(id=image_id, file_name=f'{name}.jpg', height=h, width=w))
            for obj in objects:
                rle = mask_utils.encode(np.asfortranarray(obj['mask'].astype(np.uint8)))
                x1, y1, x2, y2 = obj['bbox']
                anns.append(dict(id=len(anns) + 1 + 100000 * (split == 'val'), image_id=image_id,
                                 category_id=TOY_COCO_CATEGORY_IDS[obj['name']],
                                 segmentation=dict(size=rle['size'],
                                                   counts=rle['counts'].decode('ascii')),
                                 area=float(obj['mask'].sum()),
                                 bbox=[x1, y1, x2 - x1 + 1, y2 - y1 + 1], iscrowd=0))
            names.append(name)
        index += count
        categories = [dict(id=cid, name=n, supercategory='animal')
                      for n, cid in TOY_COCO_CATEGORY_IDS.items()]
        with atomic_write(osp.join(out, 'annotations', f'instances_{split}.json'), 'w') as f:
            json.dump(dict(images=images, annotations=anns, categories=categories), f)
        with atomic_write(osp.join(out, 'ImageSets', 'Segmentation', f'{split}.txt'), 'w') as f:
            f.write('\n'.join(names) + '\n')
        names_per_split[split] = names
    if 'train_aug' in names_per_split:
        train = names_per_split['train_aug'][:len(names_per_split['train_aug']) // TRAIN_FRACTION]
        with atomic_write(osp.join(out, 'ImageSets', 'Segmentation', 'train.txt'), 'w') as f:
            f.write('\n'.join(train) + '\n')
        names_per_split['train'] = train
    return names_per_split


__all__ = ['make_toy_dataset', 'render_sample', 'TOY_CLASSES', 'TOY_COCO_CATEGORY_IDS']
