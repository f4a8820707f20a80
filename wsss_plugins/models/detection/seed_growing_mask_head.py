"""BBAM's Mask R-CNN mask loss ("seed growing", methods.md §6.1 step 6, wave2.md §1.7: the
reference's ``MaskRCNNLossComputation.__call__`` with ``target_ignore``), as an MMDetection
mask head.

Each instance carries two masks: the th 0.85 pseudo mask and its th 0.2 ignore region,
packed in one uint8 ``BitmapMasks`` (bit 0 and bit 1; ``LoadAnnotationsWithIgnore``) so
MMDetection's resize, flip and crop transform both alike. Per positive RoI both are projected
to the 28×28 grid the standard way (``mask_target``), then over all positive RoIs of the batch:

* seeds: F₀ = th 0.85 target, B₀ = 1 − th 0.2 target;
* growth: F = F₀ ∪ {σ(logit) > 0.9} minus B₀; B = B₀ ∪ {σ(logit) < 0.1} minus F₀;
* a pixel of F (B) is kept only if one of its 8 neighbours is in F (B);
* loss = ½·(mean BCE over the kept F pixels + mean BCE over the kept B pixels), 0 when
  either set is empty.

``seed_growing=False`` is MMDetection's own mask loss on the th 0.85 masks (the ablation).
An instance without an ignore region (bit 1 empty everywhere, e.g. ground-truth masks) uses
its mask as its ignore region: F₀ = mask, B₀ = its complement.
"""
import torch
import torch.nn.functional as F
from mmdet.models.roi_heads.mask_heads import FCNMaskHead
from mmdet.registry import MODELS
from mmdet.structures.mask import BitmapMasks, mask_target

GROWTH_THRESHOLD = 0.9


def seed_growing_loss(logits, fg_target, ignore_target, threshold=GROWTH_THRESHOLD):
    """``logits``, ``fg_target``, ``ignore_target``: ``[N, 28, 28]`` (targets 0/1)."""
    prob = torch.sigmoid(logits.detach())
    seed_fg, seed_bg = fg_target == 1, ignore_target == 0
    fg = (seed_fg | (prob > threshold)) & ~seed_bg
    bg = (seed_bg | (prob < 1 - threshold)) & ~seed_fg
    kernel = torch.ones(1, 1, 3, 3, device=logits.device)
    kernel[0, 0, 1, 1] = 0
    neighbours = lambda m: F.conv2d(m[:, None].float(), kernel, padding=1)[:, 0]  # noqa: E731
    fg, bg = fg & (neighbours(fg) > 0), bg & (neighbours(bg) > 0)
    target = fg.to(logits.dtype)
    bce = F.binary_cross_entropy_with_logits(logits, target, reduction='none')
    if not fg.any() or not bg.any():
        return bce.sum() * 0
    return (bce[fg].mean() + bce[bg].mean()) / 2


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
