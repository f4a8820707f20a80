"""BBAM's Mask R-CNN mask loss ("seed growing", methods.md §6.1 step 6, wave2.md §1.7: the
reference's ``MaskRCNNLossComputation.__call__`` with ``target_ignore``), as an MMDetection
mask head.

Each instance carries two masks: the th 0.85 pseudo mask and its th 0.2 ignore region,
packed in one uint8 ``BitmapMasks`` (bit 0 and bit 1; ``LoadAnnotationsWithIgnore``) so
MMDetection's resize, flip and crop transform both alike. Per positive RoI both are projected
to the 28×28 grid the standard way (``mask_target``), then ``seed_growing_loss``
(``models/losses/seed_growing_loss.py``: seeds, growth, the 8-neighbour filter, balanced BCE).

``seed_growing=False`` is MMDetection's own mask loss on the th 0.85 masks (the ablation).
An instance without an ignore region (bit 1 empty everywhere, e.g. ground-truth masks) uses
its mask as its ignore region: F₀ = mask, B₀ = its complement.
"""
import torch
from mmdet.models.roi_heads.mask_heads import FCNMaskHead
from mmdet.registry import MODELS
from mmdet.structures.mask import BitmapMasks, mask_target

from ..losses.seed_growing_loss import GROWTH_THRESHOLD, seed_growing_loss


def split_packed_masks(masks):
    """``BitmapMasks`` with bit 0 = mask, bit 1 = ignore region → two ``BitmapMasks``."""
    packed = masks.masks
    fg = packed & 1
    ignore = (packed >> 1) & 1
    no_region = ignore.reshape(len(ignore), -1).max(1) == 0 if len(ignore) else []
    ignore[no_region] = fg[no_region]
    return BitmapMasks(fg, masks.height, masks.width), BitmapMasks(ignore, masks.height,
                                                                     masks.width)


@MODELS.register_module()
class SeedGrowingMaskHead(FCNMaskHead):
    """``FCNMaskHead`` whose loss is BBAM's seed growing (module docstring)."""

    def __init__(self, *args, seed_growing=True, growth_threshold=GROWTH_THRESHOLD, **kwargs):
        super().__init__(*args, **kwargs)
        self.seed_growing, self.growth_threshold = seed_growing, growth_threshold

    def loss_and_target(self, mask_preds, sampling_results, batch_gt_instances, rcnn_train_cfg):
        pos_proposals = [res.pos_priors for res in sampling_results]
        pos_gt = [res.pos_assigned_gt_inds for res in sampling_results]
        fg_masks, ignore_masks = zip(*(split_packed_masks(gt.masks) for gt in batch_gt_instances))
        fg_targets = mask_target(pos_proposals, pos_gt, list(fg_masks), rcnn_train_cfg)
        labels = torch.cat([res.pos_gt_labels for res in sampling_results])
        if self.class_agnostic:
            labels = torch.zeros_like(labels)
        if mask_preds.size(0) == 0:
            loss = mask_preds.sum()
        elif not self.seed_growing:
            loss = self.loss_mask(mask_preds, fg_targets, labels)
        else:
            ignore_targets = mask_target(pos_proposals, pos_gt, list(ignore_masks),
                                         rcnn_train_cfg)
            logits = mask_preds[torch.arange(len(labels), device=labels.device), labels]
            loss = seed_growing_loss(logits, fg_targets, ignore_targets, self.growth_threshold)
        return dict(loss_mask=dict(loss_mask=loss), mask_targets=fg_targets)
