"""AMN's per-pixel classification loss (PCL; methods.md §4.2, AMN paper Eq. 1 + supp. §A).

``step/train_amn.py``: the IR label is resized to the logit size with PIL NEAREST, the
target is label-smoothed over all C channels (background included),

    q_c = 1 - eps             for c = label,
    q_c = eps / (C - 1)       otherwise           (VOC, eps = 0.4: 0.6 and 0.4 / 20),

the per-pixel loss is ``-sum_c q_c log softmax(z)_c`` and the total is the mean over the
background pixels (label 0) and the mean over the foreground pixels (label not in
{0, ignore}), each weighted 1/2. Ignored pixels (255, uncertain in the IR label) are in
neither set.

Under DDP the two pixel counts are summed over the processes, so N processes give the
gradient of one process on the same global batch (the reference's single process).

Deviations: a set with no pixel in the batch contributes 0 (the reference divides by 0 and
returns NaN); labels are resized with the size given as (H, W) (the reference passes
``logit.shape[-2:]`` to PIL as (W, H), which only agrees for the square crops it trains
on).
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmseg.registry import MODELS

from ...utils.dist import global_denominators
from ...utils.image import resize_labels_nearest


def smoothed_targets(labels, num_classes, eps, ignore_index=255):
    """``[B, C, h, w]`` soft targets: 1 - eps on the label, eps / (C - 1) elsewhere.
    Ignored pixels get the targets of class 0, as in the reference (they are masked later)."""
    index = torch.where(labels == ignore_index, torch.zeros_like(labels), labels)
    targets = torch.full((labels.shape[0], num_classes) + tuple(labels.shape[1:]),
                         eps / (num_classes - 1), dtype=torch.float32, device=labels.device)
    return targets.scatter_(1, index[:, None], 1. - eps)


@MODELS.register_module()
class PCLLoss(nn.Module):
    """Label-smoothed, background/foreground-balanced cross-entropy of AMN.

    Args:
        eps: label-smoothing strength ε (AMN: 0.4 for VOC and COCO).
        loss_weight: multiplier of the loss.
        loss_name: key in the loss dict.
    """

    def __init__(self, eps=0.4, loss_weight=1.0, loss_name='loss_pcl'):
        super().__init__()
        if not 0. <= eps < 1.:
            raise ValueError(f'PCLLoss: eps must be in [0, 1), got {eps}')
        self.eps = eps
        self.loss_weight = loss_weight
        self._loss_name = loss_name

    def forward(self, cls_score, label, ignore_index=255, **kwargs):
        """``cls_score [B, C, h, w]`` logits; ``label [B, H, W]`` (any size: resized to h×w)."""
        label = resize_labels_nearest(label.long(), cls_score.shape[-2:])
        targets = smoothed_targets(label, cls_score.shape[1], self.eps, ignore_index)
        loss = -(F.log_softmax(cls_score.float(), dim=1) * targets).sum(1)
        bg = label == 0
        fg = (label != 0) & (label != ignore_index)
        # Pixel counts over the global batch (all processes), as one process on the batch.
        (n_bg, n_fg), world = global_denominators(torch.stack([bg.sum(), fg.sum()]))
        loss_bg = world * loss[bg].sum() / n_bg.clamp(min=1)
        loss_fg = world * loss[fg].sum() / n_fg.clamp(min=1)
        return self.loss_weight * 0.5 * (loss_bg + loss_fg)

    @property
    def loss_name(self):
        return self._loss_name
