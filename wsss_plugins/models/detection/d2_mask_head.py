"""BBAM's seed-growing mask loss as a Detectron2 mask head, registered in
``ROI_MASK_HEAD_REGISTRY`` (``MODEL.ROI_MASK_HEAD.NAME: "SeedGrowingMaskHead"``).

Detectron2's ``MaskRCNNConvUpsampleHead`` with its loss replaced: per positive RoI the
instance mask (``gt_masks``, the th 0.85 pseudo mask) and its ignore region
(``gt_ignore_masks``, th 0.2; the Detectron2 dataset mapper of ``datasets/d2_instances.py``
carries it, and an instance without one has its mask as region) are projected to the RoI grid
by ``BitMasks.crop_and_resize`` (RoIAlign, aligned, ≥ 0.5 — MMDetection's ``mask_target`` does
the same) and scored by the one ``seed_growing_loss``. ``SEED_GROWING: False`` is
Detectron2's own ``mask_rcnn_loss``; inference is Detectron2's.
"""
import torch
from detectron2.config import configurable
from detectron2.layers import cat
from detectron2.modeling.roi_heads.mask_head import (ROI_MASK_HEAD_REGISTRY,
                                                     MaskRCNNConvUpsampleHead, mask_rcnn_inference,
                                                     mask_rcnn_loss)

from ..losses.seed_growing_loss import GROWTH_THRESHOLD, seed_growing_loss


def seed_growing_mask_loss(logits, instances, threshold=GROWTH_THRESHOLD):
    """``logits [N, K or 1, M, M]`` of the positive RoIs of ``instances`` (per image, with
    ``proposal_boxes``, ``gt_classes``, ``gt_masks`` and optionally ``gt_ignore_masks``)."""
    side = logits.size(2)
    fg, ignore, classes = [], [], []
    for inst in instances:
        if len(inst) == 0:
            continue
        boxes = inst.proposal_boxes.tensor
        classes.append(inst.gt_classes)
        fg.append(inst.gt_masks.crop_and_resize(boxes, side))
        region = inst.gt_ignore_masks if inst.has('gt_ignore_masks') else inst.gt_masks
        ignore.append(region.crop_and_resize(boxes, side))
    if not fg:
        return logits.sum() * 0
    classes = cat(classes) if logits.size(1) > 1 else torch.zeros(
        sum(len(c) for c in classes), dtype=torch.long, device=logits.device)
    logits = logits[torch.arange(len(classes), device=logits.device), classes]
    return seed_growing_loss(logits, cat(fg).to(logits.dtype), cat(ignore).to(logits.dtype),
                             threshold)


@ROI_MASK_HEAD_REGISTRY.register()
class SeedGrowingMaskHead(MaskRCNNConvUpsampleHead):

    @configurable
    def __init__(self, input_shape, *, seed_growing=True, growth_threshold=GROWTH_THRESHOLD,
                 **kwargs):
        super().__init__(input_shape, **kwargs)
        self.seed_growing, self.growth_threshold = seed_growing, growth_threshold

    @classmethod
    def from_config(cls, cfg, input_shape):
        ret = super().from_config(cfg, input_shape)
        ret.update(seed_growing=cfg.MODEL.ROI_MASK_HEAD.SEED_GROWING,
                   growth_threshold=cfg.MODEL.ROI_MASK_HEAD.GROWTH_THRESHOLD)
        return ret

    def forward(self, x, instances):
        x = self.layers(x)
        if not self.training:
            mask_rcnn_inference(x, instances)
            return instances
        if not self.seed_growing:
            return {'loss_mask': mask_rcnn_loss(x, instances, self.vis_period) * self.loss_weight}
        return {'loss_mask': seed_growing_mask_loss(x, instances, self.growth_threshold)
                * self.loss_weight}
