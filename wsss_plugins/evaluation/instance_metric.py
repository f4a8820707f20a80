"""``InstanceSegMetric``: mAP^r and ABO of predicted instance masks against a VOC-layout
split's ``SegmentationObject`` (evaluation/instance_eval.py has the protocols), as an MMEngine
metric in MMDetection's registry so ``tools/test.py`` prints it for Mask R-CNN configs.

Every key names its protocol and threshold (×100): ``instance/sds_mAPr_50``,
``instance/chainercv_mAPr_50``, ``instance/coco_style_AP_50``, and ``instance/ABO`` (best IoU
per GT instance, SDS IoUs), all in %. ``data_root`` left at None is bound to the loader's
dataset (datasets/config.py). With ``prediction_dir`` the predictions of every image are also
written as a class-id PNG (score > 0.5, higher scores painted last) for figures.
"""
import os.path as osp

import numpy as np
from mmdet.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from .instance_eval import (PROTOCOLS, THRESHOLDS, average_best_overlap, coco_mask_ap,
                            gt_instances, instance_map_ap, mask_iou_matrix)


@METRICS.register_module()
class InstanceSegMetric(BaseMetric):
    """Args:
        data_root, instance_dir, class_dir: the GT (``<data_root>/<instance_dir>/<name>.png``,
            classes from ``<class_dir>``).
        protocols: mAP^r protocols (``'sds'`` first: the one BBAM's table follows).
        iou_thrs: the thresholds of mAP^r (0.25, 0.5, 0.7, 0.75).
        coco_style: also COCO-style mask AP at those thresholds (pycocotools).
        test_crf: BBAM's test-time CRF on each predicted mask (utils/crf.py);
            needs the soft masks (``model.test_cfg.rcnn.mask_thr_binary=-1``), which a
            ``CocoMetric`` beside it would read as binary: score mask AP without it then.
        prediction_dir: where to write the class-map PNGs of the predictions (None: none).
    """
    default_prefix = 'instance'

    def __init__(self, data_root=None, instance_dir='SegmentationObject',
                 class_dir='SegmentationClass', protocols=PROTOCOLS, iou_thrs=THRESHOLDS,
                 coco_style=True, test_crf=False, prediction_dir=None, collect_device='cpu',
                 prefix=None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        unknown = set(protocols) - set(PROTOCOLS)
        if unknown:
            raise ValueError(f'InstanceSegMetric: unknown protocols {sorted(unknown)}; '
                             f'protocols: {PROTOCOLS}')
        if data_root is None:
            raise ValueError('InstanceSegMetric: no data_root (bound from the loader when the '
                             'config is loaded through wsss_plugins.datasets.load_config)')
        self.instance_dir = osp.join(data_root, instance_dir)
        self.class_dir = osp.join(data_root, class_dir)
        self.protocols, self.iou_thrs = tuple(protocols), tuple(iou_thrs)
        self.coco_style, self.test_crf = coco_style, test_crf
        self.prediction_dir = prediction_dir

    def _gt(self, name):
        from PIL import Image
        paths = [osp.join(d, name + '.png') for d in (self.instance_dir, self.class_dir)]
        missing = [p for p in paths if not osp.isfile(p)]
        if missing:
            raise FileNotFoundError(f'InstanceSegMetric: no ground truth {missing[0]}')
        instance_map, class_map = (np.asarray(Image.open(p)) for p in paths)
        return instance_map, class_map

    def _pred_masks(self, pred, img_path):
        masks = pred['masks'].cpu().numpy()
        if not self.test_crf:
            return masks > 127 if masks.dtype == np.uint8 else masks.astype(bool)
        if masks.dtype != np.uint8:
            raise ValueError('InstanceSegMetric(test_crf=True) needs soft masks: set '
                             'model.test_cfg.rcnn.mask_thr_binary=-1')
        from ..utils.crf import prediction_crf_mask
        from ..utils.image import read_rgb
        img = read_rgb(img_path)
        boxes = pred['bboxes'].cpu().numpy()
        return np.array([prediction_crf_mask(img, m / 255.0, b) for m, b in zip(masks, boxes)],
                        bool).reshape(masks.shape)

    def _save_prediction(self, name, masks, pred, shape):
        from ..utils.io import atomic_save_png
        label = np.zeros(shape, np.uint8)
        scores, labels = pred['scores'].cpu().numpy(), pred['labels'].cpu().numpy() + 1
        for k in np.argsort(scores, kind='stable'):
            if scores[k] > 0.5:
                label[masks[k]] = labels[k]
        atomic_save_png(osp.join(self.prediction_dir, name + '.png'), label)  # class ids

    def process(self, data_batch, data_samples):
        from pycocotools import mask as mask_utils
        for sample in data_samples:
            name = osp.splitext(osp.basename(sample['img_path']))[0]
            instance_map, class_map = self._gt(name)
            gt_masks, gt_labels = gt_instances(instance_map, class_map)
            pred = sample['pred_instances']
            masks = self._pred_masks(pred, sample['img_path'])
            if masks.shape[1:] != instance_map.shape and len(masks):
                raise ValueError(f'{name}: predicted masks {masks.shape[1:]} but the ground '
                                 f'truth is {instance_map.shape}')
            ignore = instance_map == 255
            if self.prediction_dir:
                self._save_prediction(name, masks, pred, instance_map.shape)
            record = dict(shape=instance_map.shape, pred_labels=pred['labels'].cpu().numpy() + 1,
                          pred_scores=pred['scores'].cpu().numpy(), gt_labels=gt_labels,
                          ious={p: mask_iou_matrix(masks, gt_masks, ignore, p)
                                for p in set(self.protocols) | {'sds'}})
            if self.coco_style:
                encode = lambda ms: [mask_utils.encode(np.asfortranarray(  # noqa: E731
                    m.astype(np.uint8))) for m in ms]
                record.update(pred_rles=encode(masks), gt_rles=encode(gt_masks))
            self.results.append(record)

    def compute_metrics(self, results):
        num_classes = len(self.dataset_meta['classes'])
        metrics, lines = {}, []
        for protocol in self.protocols:
            images = [dict(r, ious=r['ious'][protocol]) for r in results]
            for t, (m, aps) in instance_map_ap(images, num_classes, self.iou_thrs,
                                               protocol).items():
                metrics[f'{protocol}_mAPr_{round(100 * t)}'] = 100 * m
                lines.append(f'{protocol} mAP^r@{t:g}: {100 * m:.1f}  per class: ' + ', '.join(
                    f'{c} {100 * a:.1f}' for c, a in zip(self.dataset_meta['classes'], aps)
                    if not np.isnan(a)))
        metrics['ABO'] = 100 * average_best_overlap(
            [dict(r, ious=r['ious']['sds']) for r in results])
        if self.coco_style:  # from the stored RLEs: the split's masks never sit in memory
            for t, ap in coco_mask_ap(results, num_classes, self.iou_thrs).items():
                metrics[f'coco_style_AP_{round(100 * t)}'] = 100 * ap
        logger = MMLogger.get_current_instance()
        for line in lines:
            logger.info(line)
        return metrics
