"""ACR's alternating objectives and Stochastic Remnant Feeding (Kweon et al., CVPR 2023;
seed document 001 §A.2-A.3, methods.md §5.3, wave2.md §3.2; the official
``models/exp_recon_cvpr23.py::training_step``).

Notation: x the normalised image (the reconstruction target), y the image labels, t one
target class per image, cam_t = upsample(max_norm(CAM) · y)[t] in [0, 1], L1 the mean over
every element.

* Reconstructor update (RU), with the SRF grid g (1 = kept) and its complement G = 1 − g:
  R_t = cam_t · G, R_nt = (1 − cam_t) · G (the removed parts), K = 1 − R (the remnants);
  L_RU = w_bce·BCE + w_full·L1(r_full, x) + w_t·L1(r_t·R_t, x·R_t)[ΣK_t > 50]
         + w_nt·L1(r_nt·R_nt, x·R_nt), with r_t = Dec(X·K_t), r_nt = Dec(X·K_nt).
* Classifier update (CU), s_t = cam_t with gradient, E_t = 1[s_t = 0],
  E_nt = s_t · 1[argmax CAM = t]:
  L_CU = w_bce·BCE − w_t·L1(r_t·E_t, x·E_t) − w_nt·L1(r_nt·E_nt, x·E_nt), with
  r_t = Dec(X·s_t), r_nt = Dec(X·(1 − s_t)): the classifier **maximises** the error of
  reconstructing either side of its map from the other.
"""
import torch
import torch.nn.functional as F

from ...utils.image import min_max_norm

# (w_bce, w_full, w_t, w_nt) of RU and (w_bce, w_t, w_nt) of CU.
VOC_WEIGHTS = dict(ru=(1.0, 0.2, 0.3, 0.5), cu=(1.0, 0.8, 0.3))  # official code (--W, hard-coded)
COCO_WEIGHTS = dict(ru=(1.0, 0.2, 0.2, 0.2), cu=(1.0, 0.3, 0.2))  # seed document §A.3


def target_classes(labels, generator=None):
    """One class per image, uniform over its positive labels (the official ``split_label``);
    an image without labels gets class 0, whose map is then zero (· y)."""
    weights = labels + (labels.sum(1, keepdim=True) == 0).float() * F.one_hot(
        torch.zeros(len(labels), dtype=torch.long, device=labels.device), labels.shape[1])
    return torch.multinomial(weights, 1, generator=generator)[:, 0]


def target_map(cams, labels, targets, size):
    """``upsample(max_norm(cams) · y)[t]``, ``[B, 1, H, W]`` (bilinear, not aligned)."""
    maps = min_max_norm(cams) * labels[:, :, None, None]
    maps = maps[torch.arange(len(maps)), targets][:, None]
    return F.interpolate(maps, size, mode='bilinear', align_corners=False)


def keep_probability(epoch, initial=0.8, step=0.01):
    """SRF's Bernoulli q: 0.8, decreasing by 1% per epoch (the official removal probability
    (20 + epoch)/100 is 1 − q), never below 0."""
    return max(initial - step * epoch, 0.0)


def grid_side(cells=(16, 24), generator=None):
    """SRF's number of cells per side: s ~ U[16, 24] (integers, both ends included), or
    ``cells`` itself when it is an int (the official code: 16)."""
    if isinstance(cells, int):
        return cells
    return int(torch.randint(cells[0], cells[1] + 1, (1, ), generator=generator))


def remnant_grid(batch, size, keep_prob, cells=(16, 24), generator=None, device=None):
    """SRF's stochastic grid g ``[B, 1, H, W]`` (1 = kept): ``s × s`` Bernoulli(q) cells per
    image, nearest-upsampled, with s = ``grid_side(cells)`` drawn once per call (per
    iteration, as the seed document says)."""
    s = grid_side(cells, generator)
    grid = torch.bernoulli(torch.full((batch, 1, s, s), float(keep_prob)), generator=generator)
    return F.interpolate(grid, size, mode='nearest').to(device)


def masked_l1(pred, target, mask, valid=None):
    """``L1(pred · mask, target · mask)``: the mean over every element (of the ``valid``
    images; 0 when none is)."""
    diff = (pred * mask - target * mask).abs()
    if valid is not None:
        if not valid.any():
            return diff.sum() * 0
        diff = diff[valid]
    return diff.mean()


def removed_parts(cam_t, grid):
    """``(R_t, R_nt)``: the parts of the target and non-target sides the grid removes."""
    removed = 1 - grid
    return cam_t * removed, (1 - cam_t) * removed


def reconstructor_loss(inputs, logits, labels, recon_full, recon_t, recon_nt, removed_t,
                       removed_nt, weights=VOC_WEIGHTS['ru'], min_kept=50):
    """The weighted L_RU terms (above) of decoded reconstructions; the target term counts the
    images whose remnant keeps more than ``min_kept`` pixels (the official ``valid``)."""
    w_bce, w_full, w_t, w_nt = weights
    valid = (1 - removed_t).flatten(1).sum(1) > min_kept
    return dict(
        loss_ru_cls=w_bce * F.multilabel_soft_margin_loss(logits, labels),
        loss_ru_full=w_full * F.l1_loss(recon_full, inputs),
        loss_ru_target=w_t * masked_l1(recon_t, inputs, removed_t, valid),
        loss_ru_non_target=w_nt * masked_l1(recon_nt, inputs, removed_nt))


def classifier_loss(inputs, logits, labels, recon_t, recon_nt, soft_t, predicted_t,
                    weights=VOC_WEIGHTS['cu']):
    """The weighted L_CU terms (above): ``soft_t`` the target map s_t (with gradient),
    ``predicted_t`` the pixels whose arg-max class is the target. The reconstruction terms
    are negative: minimising L_CU raises the reconstructor's error."""
    w_bce, w_t, w_nt = weights
    outside = (soft_t.detach() == 0).float()
    inside = soft_t.detach() * predicted_t.float()
    return dict(
        loss_cu_cls=w_bce * F.multilabel_soft_margin_loss(logits, labels),
        loss_cu_target=-w_t * masked_l1(recon_t, inputs, outside),
        loss_cu_non_target=-w_nt * masked_l1(recon_nt, inputs, inside))
