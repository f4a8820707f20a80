"""Dataset-level confusion matrix and the metrics every stage reports.

mIoU follows chainercv's ``eval_semantic_segmentation`` used by the IRN family
(methods.md §7): one confusion matrix summed over the dataset, pixels where the
ground truth is ``ignore_index`` excluded, per-class IoU = TP / (TP + FP + FN),
mean over classes ignoring classes absent from both prediction and GT (nanmean).
"""
import numpy as np


class ConfusionMatrix:

    def __init__(self, num_classes, ignore_index=255):
        self.num_classes = num_classes
        self.ignore_index = ignore_index
        self.matrix = np.zeros((num_classes, num_classes), dtype=np.int64)

    def update(self, pred, gt):
        """Add one image: ``pred`` and ``gt`` are integer label maps of one shape."""
        pred = np.asarray(pred)
        gt = np.asarray(gt)
        if pred.shape != gt.shape:
            raise ValueError(f'prediction shape {pred.shape} != ground-truth shape {gt.shape}')
        valid = gt != self.ignore_index
        gt = gt[valid].astype(np.int64)
        pred = pred[valid].astype(np.int64)
        if gt.size and gt.max() >= self.num_classes:
            raise ValueError(f'ground-truth value {gt.max()} >= num_classes {self.num_classes}')
        # Predictions outside the class range (e.g. 255 = uncertain) count as background,
        # as chainercv-based eval_sem_seg does.
        pred[(pred < 0) | (pred >= self.num_classes)] = 0
        self.matrix += np.bincount(gt * self.num_classes + pred,
                                   minlength=self.num_classes ** 2).reshape(
                                       self.num_classes, self.num_classes)
        return self

    def metrics(self, class_names=None):
        """Dict with mIoU, per-class IoU/precision/recall (fractions, not %) and GT pixel
        counts, and ``all_background_mIoU``: the mIoU of predicting background everywhere
        on the same ground truth (IoU_bg = bg share, 0 for every class present), the floor
        a seed or mask must clear."""
        tp = np.diag(self.matrix).astype(np.float64)
        gt_total = self.matrix.sum(1)
        pred_total = self.matrix.sum(0)
        with np.errstate(divide='ignore', invalid='ignore'):
            iou = tp / (gt_total + pred_total - tp)
            precision = tp / pred_total
            recall = tp / gt_total
        names = list(class_names) if class_names else [str(i) for i in range(self.num_classes)]
        present = gt_total > 0
        return dict(
            mIoU=float(np.nanmean(iou)),
            pixel_accuracy=float(tp.sum() / max(self.matrix.sum(), 1)),
            all_background_mIoU=float(gt_total[0] / max(gt_total.sum(), 1)
                                      / max(present.sum(), 1)),
            per_class={n: dict(iou=_f(i), precision=_f(p), recall=_f(r), gt_pixels=int(g))
                       for n, i, p, r, g in zip(names, iou, precision, recall, gt_total)})


def _f(x):
    return None if np.isnan(x) else float(x)
