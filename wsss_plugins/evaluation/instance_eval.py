"""Instance masks against ground-truth instances (``SegmentationObject`` PNGs): the IoU of
pseudo masks with their own instance, mAP^r under the protocols in use, and ABO
(wave2.md §1.9).

In the VOC layout instance k of an image is its k-th XML object (value k in the PNG; 0 is
background and 255 the unlabelled boundary).

Protocols of mAP^r (every number is reported under its protocol's name):

* ``'sds'`` (BBTP / SDS MATLAB, the one BBAM's table follows; default): 255 pixels are
  removed from both masks before the IoU; per class, predictions in descending score, each
  matched to the highest-IoU GT among the GTs not yet covered; TP when IoU **>** t.
  Difficult objects are ordinary GTs.
* ``'chainercv'`` (``eval_instance_segmentation_voc``, IRN's and AdvCAM's pseudo-label
  evaluation): 255 pixels belong to no GT but count in the union (a prediction covering the
  boundary pays for it); each prediction takes the arg-max-IoU GT over all GTs of its class;
  if that GT is taken the prediction is a FP; TP when IoU **≥** t.
* COCO-style AP at the same thresholds: ``coco_mask_ap`` (pycocotools ``COCOeval``).

AP is VOC's all-point AP (the precision envelope summed over recall steps); mAP is the mean
over the classes where it is defined (``nanmean``: classes with GTs, or with predictions
but no GT, which score NaN and are left out, as chainercv).
"""
import numpy as np

PROTOCOLS = ('sds', 'chainercv')
THRESHOLDS = (0.25, 0.5, 0.7, 0.75)


def instance_ious(masks, instance_map):
    """IoU of ``masks[k]`` (bool/uint8 ``[H, W]``) with GT instance k+1 of ``instance_map``
    (255 excluded from both masks: SDS/BBTP)."""
    valid = instance_map != 255
    ious = []
    for k, mask in enumerate(masks):
        pred, gt = (mask > 0) & valid, instance_map == k + 1
        union = (pred | gt).sum()
        ious.append(float((pred & gt).sum() / union) if union else 0.0)
    return ious


def gt_instances(instance_map, class_map):
    """``(masks [G, H, W] bool, labels [G])`` of an image's GT instances; an instance's class
    is the most frequent ``class_map`` value under it (0 and 255 not counted; VOC's maps are
    consistent, so this equals any single pixel's class there)."""
    ids = [int(i) for i in np.unique(instance_map) if i not in (0, 255)]
    masks, labels = [], []
    for i in ids:
        mask = instance_map == i
        values = class_map[mask]
        values = values[(values != 0) & (values != 255)]
        if len(values) == 0:
            continue
        masks.append(mask)
        labels.append(int(np.bincount(values).argmax()))
    h, w = instance_map.shape
    return (np.array(masks, bool).reshape(-1, h, w), np.array(labels, np.int64))


def mask_iou_matrix(pred_masks, gt_masks, ignore=None, protocol='sds'):
    """``[P, G]`` IoUs. ``ignore`` (bool ``[H, W]``, the 255 pixels): removed from the
    predictions under ``'sds'``, counted in their area under ``'chainercv'``. Pixel counts in
    float32 (exact up to 2²⁴ pixels per mask)."""
    pred, gt = np.asarray(pred_masks, bool), np.asarray(gt_masks, bool)  # [N, H, W]
    pred = pred.reshape(len(pred), int(np.prod(pred.shape[1:])))
    gt = gt.reshape(len(gt), int(np.prod(gt.shape[1:])))
    if ignore is not None:
        gt = gt & ~ignore.reshape(1, -1)
        if protocol == 'sds':
            pred = pred & ~ignore.reshape(1, -1)
    pred_f, gt_f = pred.astype(np.float32), gt.astype(np.float32)
    inter = pred_f @ gt_f.T
    union = pred_f.sum(1)[:, None] + gt_f.sum(1)[None] - inter
    return np.divide(inter, union, out=np.zeros_like(inter), where=union > 0).astype(np.float64)


def voc_ap(recall, precision):
    """VOC all-point AP (``calc_detection_voc_ap(use_07_metric=False)``)."""
    mrec = np.concatenate(([0.0], recall, [1.0]))
    mpre = np.concatenate(([0.0], np.nan_to_num(precision), [0.0]))
    mpre = np.maximum.accumulate(mpre[::-1])[::-1]
    steps = np.where(mrec[1:] != mrec[:-1])[0]
    return float(np.sum((mrec[steps + 1] - mrec[steps]) * mpre[steps + 1]))


def match_predictions(images, label, threshold, protocol='sds'):
    """``(tp flags in descending score order, number of GTs)`` for class ``label``.

    ``images``: dicts ``pred_labels [P], pred_scores [P], gt_labels [G], ious [P, G]`` (the
    protocol's IoUs)."""
    entries, n_gt = [], 0
    for index, image in enumerate(images):
        n_gt += int(np.sum(np.asarray(image['gt_labels']) == label))
        for p in np.flatnonzero(np.asarray(image['pred_labels']) == label):
            entries.append((-float(image['pred_scores'][p]), index, int(p)))
    entries.sort(key=lambda e: e[0])  # stable: ties keep image and prediction order
    covered = [np.zeros(len(image['gt_labels']), bool) for image in images]
    tp = np.zeros(len(entries), bool)
    for k, (_, index, p) in enumerate(entries):
        image = images[index]
        of_class = np.asarray(image['gt_labels']) == label
        if not of_class.any():
            continue
        row = np.asarray(image['ious'], np.float64).reshape(-1, len(of_class))[p]
        ious = np.where(of_class, row, -1.0)
        if protocol == 'sds':
            free = np.where(covered[index], -1.0, ious)
            g = int(free.argmax())
            if free[g] > threshold:
                tp[k] = covered[index][g] = True
        elif protocol == 'chainercv':
            g = int(ious.argmax())
            if ious[g] >= threshold and not covered[index][g]:
                tp[k] = covered[index][g] = True
        else:
            raise ValueError(f'unknown mAP^r protocol {protocol!r}; protocols: {PROTOCOLS}')
    return tp, n_gt


def instance_map_ap(images, num_classes, thresholds=THRESHOLDS, protocol='sds'):
    """``{threshold: (mAP, [AP per class 1..num_classes])}`` (background 0 not a class)."""
    out = {}
    for t in thresholds:
        aps = []
        for label in range(1, num_classes + 1):
            tp, n_gt = match_predictions(images, label, t, protocol)
            if n_gt == 0:
                aps.append(np.nan)
                continue
            tp_cum = np.cumsum(tp)
            precision = tp_cum / np.arange(1, len(tp) + 1)
            aps.append(voc_ap(tp_cum / n_gt, precision))
        out[t] = (float(np.nanmean(aps)) if not np.all(np.isnan(aps)) else float('nan'), aps)
    return out


def average_best_overlap(images):
    """ABO: the best IoU of every GT instance over all predictions of its image (any class),
    averaged over the GT instances."""
    best = []
    for image in images:
        if len(image['gt_labels']) == 0:
            continue
        ious = np.asarray(image['ious'], np.float64).reshape(-1, len(image['gt_labels']))
        best += list(ious.max(0) if len(ious) else np.zeros(len(image['gt_labels'])))
    return float(np.mean(best)) if best else float('nan')


def coco_mask_ap(images, num_classes, thresholds=THRESHOLDS):
    """COCO-style mask AP (pycocotools ``COCOeval``, iouType segm, all areas, 100
    detections) at ``thresholds``: ``{threshold: AP}``, read from ``eval['precision']``
    (``summarize`` reports only 0.5 / 0.75 of a custom list).

    ``images``: dicts ``shape (H, W), gt_labels, pred_labels, pred_scores`` and the masks as
    ``gt_masks [G, H, W]`` / ``pred_masks [P, H, W]`` or, lighter, as pycocotools RLEs
    ``gt_rles`` / ``pred_rles``."""
    from pycocotools import mask as mask_utils
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    def rle(mask):
        r = dict(mask) if isinstance(mask, dict) else mask_utils.encode(
            np.asfortranarray(mask.astype(np.uint8)))
        if isinstance(r['counts'], bytes):
            r['counts'] = r['counts'].decode('ascii')
        return r

    gt, results = dict(images=[], annotations=[], categories=[
        dict(id=c) for c in range(1, num_classes + 1)]), []
    for image_id, image in enumerate(images, start=1):
        h, w = image['shape']
        gt['images'].append(dict(id=image_id, height=int(h), width=int(w)))
        for mask, label in zip(image.get('gt_rles', image.get('gt_masks')), image['gt_labels']):
            r = rle(mask)
            gt['annotations'].append(dict(
                id=len(gt['annotations']) + 1, image_id=image_id, category_id=int(label),
                segmentation=r, area=float(mask_utils.area(r)), iscrowd=0,
                bbox=list(mask_utils.toBbox(r))))
        for mask, label, score in zip(image.get('pred_rles', image.get('pred_masks')),
                                      image['pred_labels'], image['pred_scores']):
            results.append(dict(image_id=image_id, category_id=int(label),
                                segmentation=rle(mask), score=float(score)))
    if not results:  # nothing predicted: 0 where there is something to find
        return {t: 0.0 if gt['annotations'] else float('nan') for t in thresholds}
    coco = COCO()
    coco.dataset = gt
    coco.createIndex()
    evaluator = COCOeval(coco, coco.loadRes(results), 'segm')
    evaluator.params.iouThrs = np.array(thresholds, np.float64)
    evaluator.evaluate()
    evaluator.accumulate()
    precision = evaluator.eval['precision']  # [T, R, K, A, M]
    out = {}
    for i, t in enumerate(thresholds):
        p = precision[i, :, :, 0, -1]
        out[t] = float(np.mean(p[p > -1])) if (p > -1).any() else float('nan')
    return out
