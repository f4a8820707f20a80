"""The BBAM pass over a split through the one per-image runner (``apis/per_image.py``:
sharded over torchrun ranks, resumable, atomic, failures named).

Boxes come from the VOC-layout ``Annotations/<name>.xml`` of the dataset (every object,
difficult ones included, coordinates minus 1 as the reference's ``BBAM_data_loader``), or
from the split's ``instances`` json where there are no XMLs (COCO).
One ``<out>/<name>.npz`` per image: ``boxes [K, 4]`` (image pixels), ``labels [K]``
(foreground class indices 0..C-1), ``mask_<k>`` (box k's optimised mask, mask resolution),
``strides``, ``num_positives``, ``input_shape`` (the detector's input H, W).
"""
import os.path as osp

import numpy as np

from ..datasets.wsss_dataset import read_voc_xml
from ..utils.image import read_rgb
from ..utils.coco import mask_rle, write_instances_json
from ..utils.io import atomic_write
from .per_image import run_per_image, sample_name


def box_items(dataset, instances_json=None):
    """Items ``name, img_path, boxes, labels`` of a WSSS dataset.

    Boxes from ``Annotations/<name>.xml`` when the dataset has that VOC layout (the
    reference), else from ``instances_json`` (COCO format: every non-crowd annotation of
    the image, ``[x, y, w, h]`` → ``(x, y, x + w − 1, y + h − 1)``, the XML convention;
    categories matched to the dataset's classes by name)."""
    classes = dataset.metainfo['classes']
    xml_dir = osp.join(dataset.data_root, 'Annotations')
    from_json = not osp.isdir(xml_dir)
    if from_json:
        if instances_json is None:
            raise FileNotFoundError(f'{xml_dir} does not exist and the split has no '
                                    '`instances` json: no boxes for BBAM')
        by_file = json_boxes(instances_json, classes)
    items = []
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        name = sample_name(info)
        if from_json:
            boxes, labels = by_file.get(osp.basename(info['img_path']), ([], []))
        else:
            _, objects = read_voc_xml(osp.join(xml_dir, name + '.xml'), classes)
            boxes = [[c - 1 for c in o['bbox']] for o in objects]
            labels = [o['class_index'] - 1 for o in objects]
        items.append(dict(name=name, img_path=info['img_path'],
                          boxes=np.array(boxes, np.float32).reshape(-1, 4),
                          labels=np.array(labels, np.int64)))
    return items


def build_bbam(cfg, checkpoint, device, **overrides):
    """The config's ``bbam`` (its attributor, with ``overrides``) over its detector through
    the named adapter (``bbam.adapter.type``: ``'mmdet'`` or ``'detectron2'``; test scale
    default: the config's ``test_scale``, else the detector's own)."""
    import copy

    from ..registry import BOX_ATTRIBUTORS, DETECTOR_ADAPTERS
    if 'bbam' not in cfg:
        raise KeyError(f'{cfg.filename}: no `bbam` settings (inherit configs/_base_/bbam.py)')
    settings = dict(copy.deepcopy(cfg.bbam.to_dict()), **overrides)
    adapter_cfg = settings.pop('adapter', dict(type='mmdet'))
    adapter_cls = DETECTOR_ADAPTERS.get(adapter_cfg['type'])
    if adapter_cls is None:
        raise KeyError(f'{cfg.filename}: bbam.adapter.type={adapter_cfg["type"]!r} is not a '
                       f'detector adapter; registered: {", ".join(DETECTOR_ADAPTERS.module_dict)}')
    adapter_cfg = {k: v for k, v in adapter_cfg.items() if k != 'type'}
    if 'test_scale' in cfg:  # Detectron2 detectors default to their yaml's test size
        adapter_cfg.setdefault('test_scale', tuple(cfg.test_scale))
    adapter = adapter_cls.from_config(cfg, checkpoint, device, **adapter_cfg)
    return BOX_ATTRIBUTORS.get(settings.pop('type'))(adapter, **settings)


def heatmap_panel(img, boxes, masks):
    """``img`` under a jet heat map of its boxes' BBAM maps (max over the boxes, each at image
    resolution inside its box), boxes drawn white: the figure of the report and the demo."""
    import matplotlib

    from ..refine.bbam_labels import map_to_image
    boxes = np.asarray(boxes).astype(int).reshape(-1, 4)
    heat = np.zeros(img.shape[:2], np.float32)
    for mask, box in zip(masks, boxes):
        heat = np.maximum(heat, map_to_image(mask, tuple(box), img.shape[:2]))
    panel = 0.5 * img + 0.5 * 255 * matplotlib.colormaps['jet'](heat)[..., :3]
    h, w = img.shape[:2]
    for x1, y1, x2, y2 in np.clip(boxes, 0, [w - 1, h - 1, w - 1, h - 1]):
        panel[y1:y2 + 1, [x1, x2]] = 255
        panel[[y1, y2], x1:x2 + 1] = 255
    return panel.astype(np.uint8)


def split_box_items(cfg, split, dataset=None):
    """``box_items`` of a split (a name or a role) of a dataset config."""
    from ..datasets import build_split_dataset
    from ..datasets.config import split_name
    spec = cfg.splits[split_name(cfg, split)]
    instances = osp.join(cfg.data_root, spec['instances']) if spec.get('instances') else None
    return box_items(dataset or build_split_dataset(cfg, split), instances)


def json_boxes(path, classes):
    """``{file_name: (boxes, labels)}`` of a COCO json (labels 0..C-1 over the foreground
    ``classes[1:]``)."""
    import json
    with open(path) as f:
        coco = json.load(f)
    index = {}
    for cat in coco['categories']:
        if cat['name'] not in classes[1:]:
            raise ValueError(f'{path}: category {cat["name"]!r} is not a class of the dataset '
                             f'({", ".join(classes[1:])})')
        index[cat['id']] = classes.index(cat['name']) - 1
    files = {img['id']: osp.basename(img['file_name']) for img in coco['images']}
    out = {f: ([], []) for f in files.values()}
    for ann in coco['annotations']:
        if ann.get('iscrowd', 0):
            continue
        x, y, w, h = ann['bbox']
        boxes, labels = out[files[ann['image_id']]]
        boxes.append([x, y, x + w - 1, y + h - 1])
        labels.append(index[ann['category_id']])
    return out


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


def _labels_job(item, bbam_dir, out_dir, thresholds, instance_dir, box_crf_baseline, mcg_dirs):
    """One image: instance masks at each threshold (and MCG-refined ones when the image has
    proposals in ``mcg_dirs``), semantic labels (BBAM, the box-filled baseline and optionally
    the box-CRF baseline), per-box IoUs with the GT instances when the image has them; RLEs
    in ``instances/<name>.json``."""
    import json

    from PIL import Image

    from ..datasets.class_names import flat_palette
    from ..evaluation.instance_eval import instance_ious
    from ..refine.bbam_labels import instance_mask, semantic_label
    from ..refine.mcg import load_mcg, mcg_path, refine_box
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
    # Baselines, the same semantic rules: every box filled; the reference's no-map rule
    # (the box filled at 0.7 through the CRF; ``instance_mask`` without a map).
    baselines = dict(box=box_masks(img.shape[:2], boxes))
    if box_crf_baseline:
        baselines['box_crf'] = [instance_mask(img, None, b, thresholds[0]) for b in boxes]
    record = dict(name=item['name'], height=img.shape[0], width=img.shape[1],
                  boxes=boxes, classes=classes,
                  settings=_label_settings(thresholds, box_crf_baseline, mcg_dirs))
    instance_sets = dict(fg=fg, ignore=ignore)
    if mcg_dirs:  # the Mask R-CNN targets only; the semantic labels stay without MCG (§1.6)
        mcg = mcg_path(mcg_dirs, item['name'])
        refined = [(f, i, False) for f, i in zip(fg, ignore)]  # no proposals: kept
        if mcg:
            superpixels, proposals = load_mcg(mcg)
            if superpixels.shape != img.shape[:2]:
                raise ValueError(f'{mcg}: superpixels {superpixels.shape} but the image is '
                                 f'{img.shape[:2]} (proposals of another image?)')
            refined = [refine_box(superpixels, proposals, b, f, i)
                       for b, f, i in zip(boxes, fg, ignore)]
        instance_sets.update(fg_mcg=[r[0] for r in refined], ignore_mcg=[r[1] for r in refined])
        record.update(mcg_file=bool(mcg), mcg_refined=sum(r[2] for r in refined))
    for key, masks in instance_sets.items():
        record[key] = [mask_rle(m) for m in masks]
    gt_path = instance_dir and osp.join(instance_dir, item['name'] + '.png')
    if gt_path and osp.isfile(gt_path):
        gt = np.asarray(Image.open(gt_path))
        record['iou'] = instance_ious(fg, gt)
        if mcg_dirs:
            record['iou_mcg'] = instance_ious(instance_sets['fg_mcg'], gt)
        for key, masks in baselines.items():
            record[f'iou_{key}'] = instance_ious(masks, gt)
    palette = flat_palette()
    labels = dict(semantic=(fg, ignore), **{f'{k}_semantic': (m, m)
                                            for k, m in baselines.items()})
    for sub, (masks, ignores) in labels.items():
        label = semantic_label(classes, boxes, masks, ignores) if boxes else np.zeros(
            img.shape[:2], np.uint8)
        atomic_save_png(osp.join(out_dir, sub, item['name'] + '.png'), label, palette)
    with atomic_write(osp.join(out_dir, 'instances', item['name'] + '.json'), 'w') as f:
        json.dump(record, f)


def generate_bbam_labels(cfg, split, bbam_dir, out_dir, thresholds=(0.85, 0.2), nproc=1,
                         box_crf_baseline=False, mcg_dirs=()):
    """BBAM maps → ``<out>/semantic/*.png`` (the DeepLab-v2 training labels),
    ``<out>/box_semantic/*.png`` (the box-filled baseline, same rules; with
    ``box_crf_baseline`` also ``box_crf_semantic/``: the reference's no-map rule),
    ``<out>/instances_th{fg,ignore}.json`` (COCO format, RLE masks, score 1, bbox = the GT
    box; with MCG proposals in ``mcg_dirs`` also ``instances_th{fg,ignore}_mcg.json``, the
    reference's optional step 4, for the images that have them), ``instances_box.json``
    (every box filled: Mask R-CNN's baseline) and ``<out>/report.json``:
    semantic mIoU of every label set and the mean IoU of the
    pseudo instance masks and of the baselines' with the GT instances (``SegmentationObject``,
    over the images that have one). Sharded over torchrun ranks; rank 0 merges and reports
    after all are done."""
    from functools import partial

    from mmengine.dist import barrier, get_dist_info

    from .label_passes import split_items
    from .per_image import raise_on_failures
    dataset, gt_items = split_items(cfg, split)  # with the split's GT maps when it has them
    items = split_box_items(cfg, split, dataset)
    missing = [i['name'] for i in items if not osp.isfile(bbam_path(bbam_dir, i['name']))]
    if missing:
        raise FileNotFoundError(f'{len(missing)} of {len(items)} images of {split} have no '
                                f'BBAM file in {bbam_dir}, e.g. {missing[0]}.npz')
    instance_dir = osp.join(cfg.data_root, 'SegmentationObject')
    instance_dir = instance_dir if osp.isdir(instance_dir) else None
    missing = [d for d in mcg_dirs if not osp.isdir(d)]
    if missing:
        raise FileNotFoundError(f'bbam_labels.mcg_dirs: no directory {missing[0]}')
    job = partial(_labels_job, bbam_dir=bbam_dir, out_dir=out_dir, thresholds=thresholds,
                  instance_dir=instance_dir, box_crf_baseline=box_crf_baseline,
                  mcg_dirs=tuple(mcg_dirs))
    result = run_per_image(items, lambda i: osp.join(out_dir, 'instances', i['name'] + '.json'),
                           job, *get_dist_info(), nproc=nproc, desc='BBAM labels')
    raise_on_failures(result, f'BBAM labels in {out_dir}')
    barrier()
    if get_dist_info()[0] != 0:
        return None
    subs = ['semantic', 'box_semantic'] + ['box_crf_semantic'] * bool(box_crf_baseline)
    return _merge(split, items, gt_items, out_dir, thresholds, dataset.metainfo['classes'],
                  subs, bool(mcg_dirs), _label_settings(thresholds, box_crf_baseline, mcg_dirs))


def _label_settings(thresholds, box_crf_baseline, mcg_dirs):
    return dict(thresholds=list(thresholds), box_crf_baseline=bool(box_crf_baseline),
                mcg=bool(mcg_dirs))


def _merge(split, items, gt_items, out_dir, thresholds, class_names, subs, mcg, settings):
    import json

    from ..evaluation.label_eval import evaluate_label_dir
    records = []
    for item in items:
        with open(osp.join(out_dir, 'instances', item['name'] + '.json')) as f:
            records.append(json.load(f))
    stale = [r['name'] for r in records if r.get('settings') != settings]
    if stale:  # resumed over files of another run
        raise ValueError(f'{len(stale)} images in {out_dir}/instances were labelled with other '
                         f'bbam_labels settings than {settings}, e.g. {stale[0]}; use a new '
                         '--out or delete that directory')
    outputs = dict(fg=f'th{thresholds[0]:g}', ignore=f'th{thresholds[1]:g}')
    if mcg:
        outputs.update(fg_mcg=f'th{thresholds[0]:g}_mcg', ignore_mcg=f'th{thresholds[1]:g}_mcg')
    for r in records:  # the filled-box baseline's instances (Mask R-CNN's box baseline)
        r['box'] = [mask_rle(m) for m in box_masks((r['height'], r['width']), r['boxes'])]
    outputs['box'] = 'box'
    for key, suffix in outputs.items():
        write_instances_json(osp.join(out_dir, f'instances_{suffix}.json'), [
            dict(file_name=osp.basename(item['img_path']), height=r['height'],
                 width=r['width'], instances=[
                     dict(category_id=c, segmentation=rle, score=1.0,
                          bbox=[x1, y1, x2 - x1 + 1, y2 - y1 + 1])
                     for (x1, y1, x2, y2), c, rle in zip(r['boxes'], r['classes'], r[key])])
            for item, r in zip(items, records)], class_names)
    report = dict(split=split, num_images=len(records),
                  num_boxes=sum(len(r['boxes']) for r in records), thresholds=list(thresholds))
    report['mcg'] = dict(images=sum(r['mcg_file'] for r in records),
                         boxes_refined=sum(r.get('mcg_refined', 0) for r in records)) if mcg \
        else 'not used (no bbam_labels.mcg_dirs)'
    scored = [r for r in records if 'iou' in r]
    if scored:  # images with GT instance maps
        report['instance_images'] = len(scored)
        for key in scored[0]:
            if key.startswith('iou'):
                ious = [v for r in scored for v in r[key]]
                name = key[4:] + '_' if key != 'iou' else ''
                report[f'{name}instance_mean_iou'] = float(np.mean(ious)) if ious else None
    if gt_items and gt_items[0]['seg_map_path']:
        for sub in subs:
            report[sub] = evaluate_label_dir(gt_items, osp.join(out_dir, sub),
                                             len(class_names), class_names)
    with atomic_write(osp.join(out_dir, 'report.json'), 'w') as f:
        json.dump(report, f, indent=1)
    return report
