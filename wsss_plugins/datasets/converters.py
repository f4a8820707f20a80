"""Dataset converters (the CLIs in ``tools/dataset_converters/`` are thin wrappers).

* ``sbd_to_voc_aug``: SBD ``dataset/cls/*.mat`` → ``SegmentationClassAug`` PNGs +
  ``train_aug.txt`` (10,582 ids: SBD train+val and VOC train, minus VOC val).
* ``coco_instances_to_semantic``: COCO ``instances_*.json`` → 81-class semantic PNGs,
  a split list and image-level labels.
* ``voc_xml_to_coco``: VOC ``Annotations/*.xml`` boxes → COCO-format json, so
  MMDetection's ``CocoDataset`` serves VOC and COCO alike.
"""
import json
import os
import os.path as osp

import numpy as np
from PIL import Image

from ..utils.io import atomic_save_png, atomic_write, progress
from .class_names import flat_palette
from .wsss_dataset import DataError, read_split, read_voc_xml


def sbd_to_voc_aug(voc_root, sbd_root, nproc=1):
    """Write ``<voc_root>/SegmentationClassAug/*.png`` and ``train_aug.txt``.

    SBD labels come from ``<sbd_root>/dataset/cls/<name>.mat`` (``GTcls.Segmentation``).
    Where VOC's own ``SegmentationClass`` PNG exists it is copied instead (finer
    annotation, 255 boundaries), so val images are covered too.
    """
    from scipy.io import loadmat

    seg_dir = osp.join(voc_root, 'ImageSets', 'Segmentation')
    voc_train = read_split(osp.join(seg_dir, 'train.txt'))
    voc_val = read_split(osp.join(seg_dir, 'val.txt'))
    sbd = []
    for split in ('train', 'val'):
        sbd += read_split(osp.join(sbd_root, 'dataset', f'{split}.txt'))
    train_aug = sorted(set(sbd + voc_train) - set(voc_val))
    out_dir = osp.join(voc_root, 'SegmentationClassAug')
    palette = flat_palette()
    for name in progress(sorted(set(train_aug + voc_val)), desc='SegmentationClassAug'):
        out = osp.join(out_dir, f'{name}.png')
        if osp.exists(out):
            continue
        voc_png = osp.join(voc_root, 'SegmentationClass', f'{name}.png')
        if osp.isfile(voc_png):
            label = np.asarray(Image.open(voc_png))
        else:
            mat = osp.join(sbd_root, 'dataset', 'cls', f'{name}.mat')
            if not osp.isfile(mat):
                raise DataError(f'{name}: neither {voc_png} nor {mat} exists')
            label = loadmat(mat)['GTcls'][0]['Segmentation'][0].astype(np.uint8)
        atomic_save_png(out, label, palette)
    with atomic_write(osp.join(seg_dir, 'train_aug.txt'), 'w') as f:
        f.write('\n'.join(train_aug) + '\n')
    return train_aug


def coco_category_mapping(categories):
    """COCO category id → contiguous class index 1..K, in ascending id order."""
    return {c['id']: i for i, c in enumerate(sorted(categories, key=lambda c: c['id']), 1)}


def coco_instances_to_semantic(ann_file, out_root, split, crowd='class', keep_empty=False):
    """Rasterise a COCO instances json into semantic label PNGs.

    Writes ``<out_root>/SegmentationClass/<split>/<stem>.png`` (0 = background,
    1..K = categories in ascending id order), ``<out_root>/ImageSets/<split>.txt``
    and ``<out_root>/cls_labels_<split>.json`` (``{stem: [classes]}``).

    Overlaps: larger objects are painted first, so a smaller object always stays
    visible on top (the order of the widely used coco2voc masks, which paint in
    ascending area and never overwrite). Crowd regions (``iscrowd=1``) are painted
    as their class (``crowd='class'``, as coco2voc) or as 255 (``crowd='ignore'``, and then
    a class present only in crowd regions is not an image-level label).
    Images without annotations are skipped unless ``keep_empty`` (this gives the
    82,081 / 40,137 images of the WSSS COCO-14 splits).
    """
    from pycocotools.coco import COCO

    if crowd not in ('class', 'ignore'):
        raise ValueError(f"crowd must be 'class' or 'ignore', got {crowd!r}")
    if not osp.isfile(ann_file):
        raise DataError(f'annotation file not found: {ann_file}')
    coco = COCO(ann_file)
    cat_to_class = coco_category_mapping(coco.loadCats(coco.getCatIds()))
    seg_dir = osp.join(out_root, 'SegmentationClass', split)
    os.makedirs(seg_dir, exist_ok=True)
    palette = flat_palette()
    names, labels = [], {}
    for img_id in progress(sorted(coco.getImgIds()), desc=f'rasterising {split}'):
        info = coco.loadImgs(img_id)[0]
        anns = coco.loadAnns(coco.getAnnIds(imgIds=img_id, iscrowd=None))
        if not anns and not keep_empty:
            continue
        name = osp.splitext(info['file_name'])[0]
        label = np.zeros((info['height'], info['width']), np.uint8)
        for ann in sorted(anns, key=lambda a: -a['area']):
            mask = coco.annToMask(ann).astype(bool)
            if ann.get('iscrowd', 0) and crowd == 'ignore':
                label[mask] = 255
            else:
                label[mask] = cat_to_class[ann['category_id']]
        atomic_save_png(osp.join(seg_dir, f'{name}.png'), label, palette)
        names.append(name)
        # A class seen only in crowd regions that are ignored is not an image label.
        labels[name] = sorted({cat_to_class[a['category_id']] for a in anns
                               if not (a.get('iscrowd', 0) and crowd == 'ignore')})
    os.makedirs(osp.join(out_root, 'ImageSets'), exist_ok=True)
    with atomic_write(osp.join(out_root, 'ImageSets', f'{split}.txt'), 'w') as f:
        f.write('\n'.join(names) + '\n')
    with atomic_write(osp.join(out_root, f'cls_labels_{split}.json'), 'w') as f:
        json.dump(labels, f)
    return names


def voc_xml_to_coco(voc_root, split_file, class_names, out_file, with_masks=False):
    """VOC XML boxes → COCO-format json (``bbox`` = [x, y, w, h], 0-based).

    Category ids are 1..K in ``class_names`` order (background excluded);
    ``difficult`` objects become ``iscrowd=1`` (ignored by MMDetection's CocoDataset,
    as mmdet's own VOC converter does). ``with_masks``: each object's mask (RLE) from
    ``SegmentationObject/<name>.png`` (object k = value k; the 255 boundary belongs to no
    object), so COCO mask AP can score instance segmentation on the split (VOC: train, val).
    """
    from pycocotools import mask as mask_utils
    class_names = [c for c in class_names if c != 'background']
    names = read_split(split_file)
    images, annotations = [], []
    for image_id, name in enumerate(progress(names, desc='VOC XML → COCO'), 1):
        path = osp.join(voc_root, 'Annotations', f'{name}.xml')
        (width, height), objects = read_voc_xml(path, class_names)
        images.append(dict(id=image_id, file_name=f'{name}.jpg', width=width, height=height))
        if with_masks:
            inst_path = osp.join(voc_root, 'SegmentationObject', f'{name}.png')
            if not osp.isfile(inst_path):
                raise DataError(f'{inst_path}: no instance map (--masks needs the split\'s '
                                'SegmentationObject PNGs)')
            instances = np.asarray(Image.open(inst_path))
            if instances.shape != (height, width):
                raise DataError(f'{inst_path}: {instances.shape} but {path} says '
                                f'{(height, width)}')
        for k, obj in enumerate(objects, 1):
            if obj['bbox'] is None:
                raise DataError(f'{path}: object {obj["name"]!r} has no bndbox')
            x1, y1, x2, y2 = obj['bbox']
            w, h = x2 - x1 + 1, y2 - y1 + 1  # VOC boxes are 1-based, inclusive
            ann = dict(id=len(annotations) + 1, image_id=image_id,
                       category_id=obj['class_index'] + 1, bbox=[x1 - 1, y1 - 1, w, h],
                       area=w * h, iscrowd=int(obj['difficult']))
            if with_masks:
                rle = mask_utils.encode(np.asfortranarray((instances == k).astype(np.uint8)))
                ann.update(segmentation=dict(size=rle['size'], counts=rle['counts'].decode()),
                           area=float(mask_utils.area(rle)))
            annotations.append(ann)
    coco = dict(images=images, annotations=annotations,
                categories=[dict(id=i, name=n) for i, n in enumerate(class_names, 1)])
    with atomic_write(out_file, 'w') as f:
        json.dump(coco, f)
    return coco
