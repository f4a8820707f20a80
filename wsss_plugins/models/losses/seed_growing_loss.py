"""BBAM's "seed growing" mask loss (methods.md §6.1 step 6, wave2.md §1.7: the reference's
``MaskRCNNLossComputation.__call__`` with ``target_ignore``), framework-free: the MMDetection
head (``models/detection/seed_growing_mask_head.py``) and the Detectron2 head
(``models/detection/d2_mask_head.py``) both project their masks to the RoI grid and call this.

Over all positive RoIs of the batch:

* seeds: F₀ = th 0.85 target, B₀ = 1 − th 0.2 target;
* growth: F = F₀ ∪ {σ(logit) > 0.9} minus B₀; B = B₀ ∪ {σ(logit) < 0.1} minus F₀;
* a pixel of F (B) is kept only if one of its 8 neighbours is in F (B);
* loss = ½·(mean BCE over the kept F pixels + mean BCE over the kept B pixels), 0 when
  either set is empty.
"""
import torch
import torch.nn.functional as F

GROWTH_THRESHOLD = 0.9


def seed_growing_loss(logits, fg_target, ignore_target, threshold=GROWTH_THRESHOLD):
    """``logits``, ``fg_target``, ``ignore_target``: ``[N, M, M]`` (targets 0/1)."""
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
