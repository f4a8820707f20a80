"""The BBAM pass over a split through the one per-image runner (``apis/per_image.py``:
sharded over torchrun ranks, resumable, atomic, failures named).

Boxes come from the VOC-layout ``Annotations/<name>.xml`` of the dataset (every object,
difficult ones included, coordinates minus 1 as the reference's ``BBAM_data_loader``).
One ``<out>/<name>.npz`` per image: ``boxes [K, 4]`` (image pixels), ``labels [K]``
(foreground class indices 0..C-1), ``mask_<k>`` (box k's optimised mask, mask resolution),
``strides``, ``num_positives``, ``input_shape`` (the detector's input H, W).
"""
import os.path as osp

import numpy as np

from ..datasets.wsss_dataset import read_voc_xml
from ..utils.image import read_rgb
from ..utils.io import atomic_write
from .per_image import run_per_image, sample_name


def box_items(dataset):
    """Items ``name, img_path, boxes, labels`` of a WSSS dataset (VOC layout)."""
    classes = dataset.metainfo['classes']
    xml_dir = osp.join(dataset.data_root, 'Annotations')
    items = []
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        name = sample_name(info)
        _, objects = read_voc_xml(osp.join(xml_dir, name + '.xml'), classes)
        items.append(dict(name=name, img_path=info['img_path'],
                          boxes=np.array([[c - 1 for c in o['bbox']] for o in objects],
                                         np.float32).reshape(-1, 4),
                          labels=np.array([o['class_index'] - 1 for o in objects], np.int64)))
    return items


def bbam_path(out_dir, name):
    return osp.join(out_dir, name + '.npz')


def load_bbam(path):
    """dict(boxes, labels, masks (list), strides, num_positives, input_shape) of a file."""
    with np.load(path) as f:
        data = {k: f[k] for k in f.files}
    data['masks'] = [data.pop(f'mask_{k}') for k in range(len(data['labels']))]
    return data


def generate_bbam(bbam, items, out_dir, rank=0, world_size=1):
    """Write ``<out_dir>/<name>.npz`` for this rank's share of ``items``."""
    def write(item):
        result = bbam(read_rgb(item['img_path']), item['boxes'], item['labels'])
        arrays = {f'mask_{k}': m for k, m in enumerate(result['masks'])}
        with atomic_write(bbam_path(out_dir, item['name'])) as f:
            np.savez_compressed(f, boxes=item['boxes'], labels=item['labels'],
                                strides=np.array(result['strides'], np.float64),
                                num_positives=np.array(result['num_positives'], np.int64),
                                input_shape=np.array(result['img_shape'], np.int64),
                                **arrays)

    return run_per_image(items, lambda item: bbam_path(out_dir, item['name']), write, rank,
                         world_size, desc=f'BBAM -> {out_dir}')


def box_masks(shape, boxes):
    """The box-filled baseline: every box filled (``[y1:y2, x1:x2]``)."""
    masks = []
    for x1, y1, x2, y2 in np.asarray(boxes, np.int64):
        m = np.zeros(shape, np.uint8)
        m[y1:y2, x1:x2] = 1
        masks.append(m)
    return masks


def _labels_job(item, bbam_dir, out_dir, thresholds, instance_dir):
    """One image: instance masks at each threshold, semantic labels (BBAM and box-filled
    baseline), per-box IoUs with the GT instances; RLEs in ``instances/<name>.json``."""
    import json

    from pycocotools import mask as mask_utils
    from PIL import Image

    from ..datasets.class_names import flat_palette
    from ..evaluation.instance_eval import instance_ious
    from ..refine.bbam_labels import instance_mask, semantic_label
    from ..utils.io import atomic_save_png
    img = read_rgb(item['img_path'])
    data = load_bbam(bbam_path(bbam_dir, item['name']))
    if not np.array_equal(data['boxes'], item['boxes']):
        raise ValueError(f'{bbam_path(bbam_dir, item["name"])}: boxes differ from the '
                         'annotations (maps of another dataset or split?)')
    boxes = [tuple(int(v) for v in b) for b in item['boxes']]
    classes = [int(c) + 1 for c in item['labels']]
    fg, ignore = (
        [instance_mask(img, m, b, th) for m, b in zip(data['masks'], boxes)]
        for th in thresholds)
    filled = box_masks(img.shape[:2], boxes)
    record = dict(name=item['name'], height=img.shape[0], width=img.shape[1],
                  boxes=boxes, classes=classes)
    for key, masks in (('fg', fg), ('ignore', ignore)):
        rles = [mask_utils.encode(np.asfortranarray(m)) for m in masks]
        record[key] = [dict(size=r['size'], counts=r['counts'].decode('ascii')) for r in rles]
    if instance_dir is not None:
        gt = np.asarray(Image.open(osp.join(instance_dir, item['name'] + '.png')))
        record['iou'] = instance_ious(fg, gt)
        record['iou_box'] = instance_ious(filled, gt)
    palette = flat_palette()
    if boxes:
        atomic_save_png(osp.join(out_dir, 'semantic', item['name'] + '.png'),
                        semantic_label(classes, boxes, fg, ignore), palette)
        atomic_save_png(osp.join(out_dir, 'box_semantic', item['name'] + '.png'),
                        semantic_label(classes, boxes, filled, filled), palette)
    else:
        for sub in ('semantic', 'box_semantic'):
            atomic_save_png(osp.join(out_dir, sub, item['name'] + '.png'),
                            np.zeros(img.shape[:2], np.uint8), palette)
    with atomic_write(osp.join(out_dir, 'instances', item['name'] + '.json'), 'w') as f:
        json.dump(record, f)


def generate_bbam_labels(cfg, split, bbam_dir, out_dir, thresholds=(0.85, 0.2), nproc=1):
    """BBAM maps → ``<out>/semantic/*.png`` (the DeepLab-v2 training labels),
    ``<out>/box_semantic/*.png`` (the box-filled baseline, same rules),
    ``<out>/instances_th{fg,ignore}.json`` (COCO format, RLE masks, score 1, bbox = the GT
    box) and ``<out>/report.json``: semantic mIoU of both label sets and the mean IoU of the
    pseudo instance masks and of the filled boxes with the GT instances, when the split has
    them. Sharded over torchrun ranks; rank 0 merges and reports after all are done."""
    from functools import partial

    from mmengine.dist import barrier, get_dist_info

    from .label_passes import split_items
    from .per_image import raise_on_failures
    dataset, gt_items = split_items(cfg, split)  # with the split's GT maps when it has them
    items = box_items(dataset)
    missing = [i['name'] for i in items if not osp.isfile(bbam_path(bbam_dir, i['name']))]
    if missing:
        raise FileNotFoundError(f'{len(missing)} of {len(items)} images of {split} have no '
                                f'BBAM file in {bbam_dir}, e.g. {missing[0]}.npz')
    instance_dir = osp.join(cfg.data_root, 'SegmentationObject')
    instance_dir = instance_dir if osp.isdir(instance_dir) else None
    job = partial(_labels_job, bbam_dir=bbam_dir, out_dir=out_dir, thresholds=thresholds,
                  instance_dir=instance_dir)
    result = run_per_image(items, lambda i: osp.join(out_dir, 'instances', i['name'] + '.json'),
                           job, *get_dist_info(), nproc=nproc, desc='BBAM labels')
    raise_on_failures(result, f'BBAM labels in {out_dir}')
    barrier()
    if get_dist_info()[0] != 0:
        return None
    return _merge(split, items, gt_items, out_dir, thresholds, dataset.metainfo['classes'])


def _merge(split, items, gt_items, out_dir, thresholds, class_names):
    import json

    from pycocotools import mask as mask_utils

    from ..evaluation.label_eval import evaluate_label_dir
    records = []
    for item in items:
        with open(osp.join(out_dir, 'instances', item['name'] + '.json')) as f:
            records.append(json.load(f))
    categories = [dict(id=c, name=n) for c, n in enumerate(class_names) if c > 0]
    for key, th in zip(('fg', 'ignore'), thresholds):
        images, anns = [], []
        for image_id, r in enumerate(records, start=1):
            images.append(dict(id=image_id, file_name=osp.basename(items[image_id - 1]
                                                                   ['img_path']),
                               height=r['height'], width=r['width']))
            for (x1, y1, x2, y2), c, rle in zip(r['boxes'], r['classes'], r[key]):
                area = float(mask_utils.area(dict(rle, counts=rle['counts'].encode())))
                anns.append(dict(id=len(anns) + 1, image_id=image_id, category_id=c,
                                 segmentation=rle, area=area, score=1.0, iscrowd=0,
                                 bbox=[x1, y1, x2 - x1 + 1, y2 - y1 + 1]))
        with atomic_write(osp.join(out_dir, f'instances_th{th:g}.json'), 'w') as f:
            json.dump(dict(images=images, annotations=anns, categories=categories), f)
    report = dict(split=split, num_images=len(records),
                  num_boxes=sum(len(r['boxes']) for r in records), thresholds=list(thresholds))
    if records and 'iou' in records[0]:
        ious = [v for r in records for v in r['iou']]
        box_ious = [v for r in records for v in r['iou_box']]
        report.update(instance_mean_iou=float(np.mean(ious)) if ious else None,
                      box_instance_mean_iou=float(np.mean(box_ious)) if box_ious else None)
    if gt_items and gt_items[0]['seg_map_path']:
        n = len(class_names)
        for key, sub in (('semantic', 'semantic'), ('box_semantic', 'box_semantic')):
            report[key] = evaluate_label_dir(gt_items, osp.join(out_dir, sub), n, class_names)
    with atomic_write(osp.join(out_dir, 'report.json'), 'w') as f:
        json.dump(report, f, indent=1)
    return report
