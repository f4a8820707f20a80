"""A deterministic synthetic dataset in the exact PASCAL VOC layout.

Every object is a large *body* (an ellipse of a neutral shade shared by all classes)
with a small *head* (a disc whose saturated colour and stripe pattern identify the
class).  The body carries the head's tint and stripes too, strongest next to the head
and fading to nothing towards the tail; 30% of heads are hidden.  Backgrounds are
low-saturation textures, so saturated colour is object evidence (as in photos it is
not: colour alone must not solve the task).  A classifier then sees strong evidence on
the head, graded evidence on the front of the body and none on the tail: CAM seeds
peak on the head and fade over the body — the under-coverage that WSSS methods
(AdvCAM, AMN, IRN) are built to fix — while the body/background contrast gives IRN
boundaries to learn.  Images hold 1–2 objects of 1–2 classes, placed to overlap
little, ~128 px, so a whole pipeline trains on 2 CPU cores.

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

# Head colour (RGB) and stripe pattern per foreground class.
HEADS = {
    'cat': ((215, 45, 40), 'vertical'),
    'dog': ((40, 170, 60), 'horizontal'),
    'bird': ((45, 80, 225), 'diagonal'),
    'fish': ((230, 195, 35), 'dots'),
}
# Neutral body shades shared by all classes: the shade alone never tells the class.
BODY_COLOURS = np.array([(150, 120, 95), (120, 110, 100), (170, 150, 120), (105, 95, 80),
                         (140, 135, 125), (95, 105, 120)], dtype=np.float32)
# Class evidence on the body: the head's colour tint and stripes, strongest next to the head
# and fading linearly to nothing at BODY_EVIDENCE_REACH body lengths from it.
BODY_TINT = 0.7  # share of the head colour mixed into the body shade at the head end
BODY_EVIDENCE_REACH = 0.8
HIDDEN_HEAD_PROB = 0.3  # objects whose head is not visible: only the body shows the class
MIN_BODY_CONTRAST = 70.0
MAX_OVERLAP = 0.1  # share of a new object allowed over earlier ones (best of PLACEMENT_TRIES)
PLACEMENT_TRIES = 10  # RGB distance between a body shade and the background base
# The context variant (make_toy_dataset(context=True)): class-correlated background bands.
CONTEXTS = {'fish': 'water', 'bird': 'sky'}
CONTEXT_PROB = 0.8  # a band in an image of its class
CONTEXT_STRAY_PROB = 0.05  # ... and in any other image
DISTRACTOR_COLOUR = (150, 60, 170)  # OoD distractor discs: no head has this hue
# COCO-format category ids: deliberately non-contiguous, like COCO's 1..90.
TOY_COCO_CATEGORY_IDS = {'cat': 3, 'dog': 5, 'bird': 7, 'fish': 9}
SPLITS = {'train_aug': 300, 'val': 60}
TRAIN_FRACTION = 10  # train = the first 1/10 of train_aug (VOC: 1,464 of 10,582)


def _background(rng, h, w):
    """Smooth waves, noise and soft blobs around a random low-saturation base colour
    (returned too): saturated colour is object evidence, as in real photos it is not."""
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = (rng.uniform(50, 210) + rng.uniform(-20, 20, size=3)).astype(np.float32)
    freq = rng.uniform(0.05, 0.3, size=2)
    phase = rng.uniform(0, 2 * np.pi)
    waves = np.sin(freq[0] * xx + freq[1] * yy + phase)[..., None] * rng.uniform(10, 30)
    noise = rng.normal(0, 10, size=(h, w, 3))
    img = base + waves + noise
    for _ in range(rng.integers(1, 4)):
        cy, cx = rng.uniform(0, h), rng.uniform(0, w)
        r = rng.uniform(8, 30)
        blob = np.exp(-((yy - cy) ** 2 + (xx - cx) ** 2) / (2 * r * r))[..., None]
        img += blob * (rng.uniform(-30, 30) + rng.uniform(-10, 10, size=3))
    return img, base


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
    """Body + head masks of one object and the body's class-evidence strength in [0, 1]."""
    rx, ry = rng.uniform(20, 36), rng.uniform(12, 19)
    cy, cx = rng.uniform(0.25 * h, 0.75 * h), rng.uniform(0.25 * w, 0.75 * w)
    angle = rng.uniform(0, np.pi)
    body = _ellipse(h, w, cy, cx, ry, rx, angle)
    side = rng.choice([-1, 1])
    hr = rng.uniform(7.0, 9.5)
    hy = cy + side * np.sin(angle) * (rx + hr * 0.4)
    hx = cx + side * np.cos(angle) * (rx + hr * 0.4)
    head = _ellipse(h, w, hy, hx, hr, hr, 0.0)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    # Distance along the body axis from the head end, in body lengths.
    along = ((xx - cx) * np.cos(angle) + (yy - cy) * np.sin(angle)) * side
    evidence = np.clip(1.0 - (rx - along) / (2 * rx * BODY_EVIDENCE_REACH), 0.0, 1.0)
    return body, head, evidence


def _body_shade(rng, base):
    """A shared body shade far enough from the background for a visible boundary."""
    dist = np.linalg.norm(BODY_COLOURS - base, axis=1)
    far = np.flatnonzero(dist >= MIN_BODY_CONTRAST)
    return BODY_COLOURS[rng.choice(far) if len(far) else int(dist.argmax())]


def _paint_context(img, kind, rng):
    """Paint a context band into ``img`` in place; returns its mask. ``'water'``: the bottom
    35-50% in a blue-cyan with horizontal ripples; ``'sky'``: the top 35-50%, a pale blue
    vertical gradient. Both are less saturated than the heads and of other hues."""
    h, w = img.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    if kind == 'water':
        band = yy >= int(rng.uniform(0.5, 0.65) * h)
        ripples = 22 * np.sin(0.9 * yy + 0.12 * xx + rng.uniform(0, 2 * np.pi))[..., None]
        paint = np.array([40, 105, 150], np.float32) + ripples
    else:
        top = int(rng.uniform(0.35, 0.5) * h)
        band = yy < top
        t = (yy / max(top, 1))[..., None]
        paint = (1 - t) * np.array([120, 170, 230], np.float32) + t * np.array([190, 215, 240])
    img[band] = (paint + rng.normal(0, 5, img.shape))[band]
    return band


def render_sample(index, seed=0, classes=None, context=False):
    """Render image ``index``: returns (rgb uint8, class map, instance map, objects), and with
    ``context`` also the context-band map (1 where a band shows, objects excluded).

    ``classes``: the foreground classes to draw from (a subset of ``HEADS``; label value
    = position in it + 1); all four by default. ``context``: ``CONTEXTS`` bands painted
    behind the objects, with probability ``CONTEXT_PROB`` in images of their class and
    ``CONTEXT_STRAY_PROB`` in the others (their own generator: the rest of the image is the
    default toy's)."""
    rng = np.random.default_rng([seed, index])
    h, w = int(rng.integers(96, 129)), int(rng.integers(112, 161))
    img, base = _background(rng, h, w)
    fg_names = list(classes or HEADS)
    classes = rng.choice(len(fg_names), size=rng.integers(1, 3), replace=False)
    n_obj = int(rng.integers(max(1, len(classes)), 3))
    obj_classes = list(classes) + list(rng.choice(classes, size=n_obj - len(classes)))
    bands = np.zeros((h, w), bool)
    if context:
        crng = np.random.default_rng([seed, index, 7])
        present = {fg_names[c] for c in classes}
        for name, kind in CONTEXTS.items():
            prob = CONTEXT_PROB if name in present else CONTEXT_STRAY_PROB
            if crng.random() < prob:
                bands |= _paint_context(img, kind, crng)
    cls_map = np.zeros((h, w), np.uint8)
    inst_map = np.zeros((h, w), np.uint8)
    occupied = np.zeros((h, w), bool)
    for k, c in enumerate(obj_classes, start=1):
        for _ in range(PLACEMENT_TRIES):  # objects touch or overlap a little, rarely more
            body, head, evidence = _object(rng, h, w)
            if (occupied & (body | head)).sum() <= MAX_OVERLAP * (body | head).sum():
                break
        occupied |= body | head
        colour, pattern = HEADS[fg_names[c]]
        colour = np.array(colour, np.float32)
        stripes = _stripes(h, w, pattern, int(rng.integers(2, 4)))
        striped = colour * np.where(stripes, 1.0, 0.55)[..., None]
        tint = (BODY_TINT * evidence)[..., None]
        body_px = (1 - tint) * _body_shade(rng, base) + tint * striped
        img[body] = body_px[body] + rng.normal(0, 6, (body.sum(), 3))
        if rng.random() < HIDDEN_HEAD_PROB:
            head = np.zeros_like(head)
        img[head] = striped[head] + rng.normal(0, 6, (head.sum(), 3))
        obj = body | head
        cls_map[obj] = c + 1
        inst_map[obj] = k
    objects = []
    for k, c in enumerate(obj_classes, start=1):
        mask = inst_map == k
        if mask.sum() < 20:  # (almost) fully occluded by later objects: dropped
            continue
        ys, xs = np.nonzero(mask)
        objects.append(dict(name=fg_names[c], class_value=c + 1, mask=mask,
                            bbox=(int(xs.min()), int(ys.min()), int(xs.max()), int(ys.max()))))
    # Renumber instances densely after dropping occluded ones.
    inst_out = np.zeros_like(inst_map)
    for k, obj in enumerate(objects, start=1):
        inst_out[obj['mask']] = k
    cls_map[inst_out == 0] = 0
    rgb = np.clip(img, 0, 255).astype(np.uint8)
    if context:
        return rgb, cls_map, inst_out, objects, (bands & (inst_out == 0)).astype(np.uint8)
    return rgb, cls_map, inst_out, objects


def render_ood(index, seed=0):
    """OoD image ``index`` of the context toy: a toy background with one context band (water
    or sky) and no object; 40% carry a distractor, a striped disc of a head's size and shape
    in a colour no head has (purple)."""
    rng = np.random.default_rng([seed, index, 11])
    h, w = int(rng.integers(96, 129)), int(rng.integers(112, 161))
    img, _ = _background(rng, h, w)
    _paint_context(img, ('water', 'sky')[index % 2], rng)
    if rng.random() < 0.4:
        r = rng.uniform(7.0, 9.5)
        disc = _ellipse(h, w, rng.uniform(0.2, 0.8) * h, rng.uniform(0.2, 0.8) * w, r, r, 0.0)
        stripes = _stripes(h, w, list(HEADS.values())[int(rng.integers(4))][1], 3)
        colour = np.array(DISTRACTOR_COLOUR, np.float32)
        img[disc] = (colour * np.where(stripes, 1.0, 0.55)[..., None])[disc]
    return np.clip(img, 0, 255).astype(np.uint8)


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


def _rescale(rgb, inst_map, objects, scale):
    """The sample at ``scale`` (Pillow bicubic image, nearest labels), boxes recomputed."""
    h, w = inst_map.shape
    size = (round(w * scale), round(h * scale))
    rgb = np.asarray(Image.fromarray(rgb).resize(size, Image.BICUBIC))
    inst_map = np.asarray(Image.fromarray(inst_map).resize(size, Image.NEAREST))
    cls_map = np.zeros_like(inst_map)
    scaled = []
    for k, obj in enumerate(objects, start=1):
        mask = inst_map == k
        ys, xs = np.nonzero(mask)
        if not ys.size:  # vanished when shrunk
            continue
        scaled.append(dict(obj, mask=mask, bbox=(int(xs.min()), int(ys.min()), int(xs.max()),
                                                 int(ys.max()))))
        cls_map[mask] = obj['class_value']
    return rgb, cls_map, inst_map, scaled


def make_toy_dataset(out, seed=0, splits=None, progress_bar=True, classes=None, scale=1.0,
                     context=False, num_ood=None):
    """Write the toy dataset to ``out``; returns {split: [names]}.

    ``classes`` (a subset of the toy classes) and ``scale`` (image size factor) make other
    VOC-layout datasets, e.g. for testing a dataset config of one's own. ``context`` writes
    the context variant (W-OoD's problem): the bands of ``CONTEXTS``, their maps in
    ``ContextMask/<name>.png`` and ``num_ood`` (default 150) OoD images in
    ``ood/JPEGImages`` listed in ``ood/ood_list.txt`` (the reference's format)."""
    from pycocotools import mask as mask_utils

    from ..utils.io import atomic_save_png, atomic_write, progress
    splits = splits or SPLITS
    for sub in ('JPEGImages', 'SegmentationClass', 'SegmentationObject', 'Annotations',
                'ImageSets/Segmentation', 'annotations') + (('ContextMask', ) if context else ()):
        os.makedirs(osp.join(out, sub), exist_ok=True)
    palette = flat_palette()
    names_per_split, index = {}, 0
    for split, count in splits.items():
        names, images, anns = [], [], []
        items = range(index, index + count)
        for i in (progress(items, desc=f'toy {split}') if progress_bar else items):
            name = f'toy_{i:06d}'
            sample = render_sample(i, seed, classes, context)
            rgb, cls_map, inst_map, objects = sample[:4]
            if scale != 1.0:
                rgb, cls_map, inst_map, objects = _rescale(rgb, inst_map, objects, scale)
            if context:
                band = np.asarray(Image.fromarray(sample[4]).resize(cls_map.shape[::-1],
                                                                     Image.NEAREST))
                atomic_save_png(osp.join(out, 'ContextMask', f'{name}.png'),
                                band * (inst_map == 0))
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
    if context:
        write_toy_ood(osp.join(out, 'ood'), 150 if num_ood is None else num_ood, seed,
                      progress_bar)
    return names_per_split


def write_toy_ood(out, count, seed=0, progress_bar=True):
    """``count`` OoD images (``render_ood``) in ``out/JPEGImages`` and ``out/ood_list.txt``."""
    from ..utils.io import atomic_write, progress
    os.makedirs(osp.join(out, 'JPEGImages'), exist_ok=True)
    paths = []
    for i in (progress(range(count), desc='toy OoD') if progress_bar else range(count)):
        path = osp.join('JPEGImages', f'ood_{i:06d}.jpg')
        with atomic_write(osp.join(out, path)) as f:
            Image.fromarray(render_ood(i, seed)).save(f, format='JPEG', quality=95)
        paths.append(path)
    with atomic_write(osp.join(out, 'ood_list.txt'), 'w') as f:
        f.write('\n'.join(paths) + '\n')


__all__ = ['make_toy_dataset', 'render_sample', 'TOY_CLASSES', 'TOY_COCO_CATEGORY_IDS']
