"""The Detectron2 seed-growing mask head (registered in ROI_MASK_HEAD_REGISTRY) on a hand-made
case: its loss equals the MMDetection head's on the same masks, ignore regions, RoIs and
logits; SEED_GROWING False is Detectron2's own mask loss."""
from types import SimpleNamespace

import numpy as np
import pytest
import torch

H = W = 64


def _case():
    fg = np.zeros((2, H, W), np.uint8)
    fg[0, 12:36, 10:30] = 1
    fg[1, 30:58, 34:60] = 1
    ignore = np.zeros_like(fg)
    ignore[0, 6:42, 4:36] = 1  # instance 1 has no ignore region: its mask is its region
    proposals = torch.tensor([[8., 10., 34., 40.], [30., 26., 62., 60.]])
    labels = torch.tensor([1, 3])
    logits = torch.randn(2, 4, 28, 28, generator=torch.Generator().manual_seed(0)) * 4
    return fg, ignore, proposals, labels, logits


def _d2_instances(fg, ignore, proposals, labels):
    from detectron2.structures import BitMasks, Boxes, Instances
    region = ignore.copy()
    region[1] = fg[1]  # the mapper's rule for an instance without a region
    return Instances((H, W), proposal_boxes=Boxes(proposals), gt_classes=labels,
                     gt_masks=BitMasks(torch.from_numpy(fg)),
                     gt_ignore_masks=BitMasks(torch.from_numpy(region)))


def test_detectron2_loss_equals_the_mmdetection_head_on_a_hand_made_case():
    from mmengine.config import ConfigDict
    from mmdet.structures.mask import BitmapMasks

    from wsss_plugins.models.detection import SeedGrowingMaskHead as MMDetHead
    from wsss_plugins.models.detection.d2_mask_head import seed_growing_mask_loss
    fg, ignore, proposals, labels, logits = _case()
    mmdet_head = MMDetHead(num_convs=1, in_channels=8, conv_out_channels=8, num_classes=4)
    result = mmdet_head.loss_and_target(
        logits, [SimpleNamespace(pos_priors=proposals, pos_assigned_gt_inds=torch.tensor([0, 1]),
                                 pos_gt_labels=labels)],
        [SimpleNamespace(masks=BitmapMasks(fg | (ignore << 1), H, W))], ConfigDict(mask_size=28))
    mmdet_loss = result['loss_mask']['loss_mask']
    d2_loss = seed_growing_mask_loss(logits, [_d2_instances(fg, ignore, proposals, labels)])
    assert d2_loss.item() == pytest.approx(mmdet_loss.item(), abs=1e-6)
    assert 0.1 < d2_loss.item() < 10


def test_registered_head_trains_with_the_seed_growing_loss_or_detectron2s():
    from detectron2.config import get_cfg
    from detectron2.layers import ShapeSpec
    from detectron2.modeling.roi_heads.mask_head import ROI_MASK_HEAD_REGISTRY, mask_rcnn_loss
    from detectron2.utils.events import EventStorage

    from wsss_plugins.models.detection.d2_mask_head import seed_growing_mask_loss
    from wsss_plugins.utils.d2_config import add_wsss_config
    fg, ignore, proposals, labels, _ = _case()
    instances = _d2_instances(fg, ignore, proposals, labels)
    cfg = get_cfg()
    add_wsss_config(cfg)
    cfg.MODEL.ROI_HEADS.NUM_CLASSES, cfg.MODEL.ROI_MASK_HEAD.CONV_DIM = 4, 8
    x = torch.randn(2, 8, 14, 14, generator=torch.Generator().manual_seed(1))
    for seed_growing, reference in ((True, seed_growing_mask_loss), (False, mask_rcnn_loss)):
        cfg.MODEL.ROI_MASK_HEAD.SEED_GROWING = seed_growing
        head = ROI_MASK_HEAD_REGISTRY.get('SeedGrowingMaskHead')(
            cfg, ShapeSpec(channels=8, height=14, width=14)).train()
        with EventStorage():  # Detectron2's loss logs its accuracy there
            loss = head(x, [instances])['loss_mask']
            expected = reference(head.layers(x), [instances])
        assert loss.item() == pytest.approx(expected.item(), abs=1e-6)


def test_class_agnostic_logits_and_inference():
    """A class-agnostic head ([N, 1, M, M]) scores its one channel whatever the class; in eval
    mode the head is Detectron2's inference (per-RoI mask probabilities of the class)."""
    from detectron2.config import get_cfg
    from detectron2.layers import ShapeSpec
    from detectron2.modeling.roi_heads.mask_head import ROI_MASK_HEAD_REGISTRY
    from detectron2.structures import Boxes, Instances

    from wsss_plugins.models.detection.d2_mask_head import seed_growing_mask_loss
    from wsss_plugins.utils.d2_config import add_wsss_config
    fg, ignore, proposals, labels, logits = _case()
    agnostic = seed_growing_mask_loss(logits[:, :1], [_d2_instances(fg, ignore, proposals, labels)])
    as_class_0 = seed_growing_mask_loss(logits, [_d2_instances(fg, ignore, proposals,
                                                               torch.zeros_like(labels))])
    assert agnostic.item() == pytest.approx(as_class_0.item(), abs=1e-7)
    cfg = get_cfg()
    add_wsss_config(cfg)
    cfg.MODEL.ROI_HEADS.NUM_CLASSES, cfg.MODEL.ROI_MASK_HEAD.CONV_DIM = 4, 8
    head = ROI_MASK_HEAD_REGISTRY.get('SeedGrowingMaskHead')(
        cfg, ShapeSpec(channels=8, height=14, width=14)).eval()
    detections = Instances((H, W), pred_boxes=Boxes(proposals), pred_classes=labels)
    with torch.no_grad():
        x = torch.randn(2, 8, 14, 14, generator=torch.Generator().manual_seed(2))
        out = head(x, [detections])[0]
        probs = head.layers(x).sigmoid()[torch.arange(2), labels]
    assert out.pred_masks.shape == (2, 1, 28, 28)
    assert torch.allclose(out.pred_masks[:, 0], probs)  # each RoI's own class channel
