"""AdvCAM seeds: adversarial climbing, exactly as ``obtain_CAM_masking.py`` does it (methods.md §2.2).

For each scale and GT class c, the flip pair x⁰ = [img, hflip(img)] is climbed for T
iterations.  Iteration t:

1. ``F = stage4(x^t)``, ``Z = conv1x1(F, W)``;
2. ``A^t``: Grad-CAM variant of ``gradCAM.py`` — gradient of ``Σ_n GSP(relu(Z))[n, c]``
   w.r.t. F, channel weights ``gap2d_pos`` (spatial *sum* of the gradient divided by
   the number of positive gradient entries of the whole pair), ``relu(Σ_k F_k w_k)``,
   and ``A = map(img) + hflip(map(flipped))``.  This is ``relu(Z_c)`` scaled by
   ``P_n / (K⁺ (P_0 + P_1))`` (P_n positive pixels of Z_c in image n, K⁺ positive
   weights of w_c); λ = 7 was tuned at this scale (§11.1);
3. ``Σ_t A^t`` (×``mul``, see ``climb_schedule``) is the class's map at this scale;
4. ``y = GAP(relu(Z))`` (not the training logit); ``M = 1[A^t / max A^t > τ]`` from the
   current map; ``J = y_c − Σ_{k≠c} y_k − λ Σ |A^t − A⁰| ⊙ M`` summed over the pair;
5. ``x ← clamp(x + ξ ∇J / max|∇J|, min x^t, max x^t)`` (L∞-normalised ascent, one
   global range per pair).

The map of the final x^T is never computed (the reference sums t = 0..T−1).
Gradients are taken with ``torch.autograd.grad`` instead of the deprecated hooks.

Modes: ``reference`` climbs one class and one flip pair at a time, in the official
order, and also takes the last, unused step; ``optimized`` climbs all GT classes of a
scale as one batch of 2K images (``gap2d_pos`` counts, ``max|∇J|`` and the clamp range
stay per pair, as in the reference) and skips the unused last step.
"""
import torch
import torch.nn.functional as F

from ..registry import SEED_GENERATORS
from .base import BaseSeedGenerator


def climb_schedule(adv_iter, half):
    """``(iterations, mul)`` of the reference for one scale.

    The reference shortens the climb at its second scale (0.5 by default): T > 10 →
    T // 2 iterations with every map ×2; T < 6 → T and ×1; otherwise 5 and ×1.  Its
    ``mul_for_scale`` variable is only set there and keeps its value for the later
    scales, so the factor applies to every scale (uniform: it only changes the weight
    of the +1e-5 of the final normalisation).  ``half=False`` gives the full count.
    """
    if adv_iter > 10:
        iters, mul = adv_iter // 2, 2
    elif adv_iter < 6:
        iters, mul = adv_iter, 1
    else:
        iters, mul = 5, 1.
    return (iters if half else adv_iter), mul


def gap2d_pos(grads, groups):
    """``torchutils.gap2d_pos`` per group of images: spatial sum of ``grads [N, C, h, w]``
    divided by the count of positive entries over the whole group (all images,
    channels, positions).  Returns ``[N, C, 1, 1]``."""
    n, c = grads.shape[:2]
    count = (grads.reshape(groups, -1) > 0).sum(1) + 1e-12
    count = count.repeat_interleave(n // groups)
    return (grads.reshape(n, c, -1).sum(-1) / count[:, None]).reshape(n, c, 1, 1)


def discriminative_mask(regions, score_th):
    """``add_discriminative``: ``1[A / max A > τ]`` per map ``[G, h, w]`` (0 where max A = 0)."""
    peak = regions.reshape(len(regions), -1).amax(1).reshape(-1, 1, 1)
    return (regions / peak > score_th).to(regions.dtype)


def adv_climb(x, grad, step, groups):
    """``adv_climb``: ``x + ξ ∇ / max|∇|``, clamped to ``[min x, max x]``, per group of images."""
    xg = x.reshape(groups, -1)
    g = grad.reshape(groups, -1)
    lo = xg.amin(1, keepdim=True)
    hi = xg.amax(1, keepdim=True)
    out = xg + step * (g / (g.abs().amax(1, keepdim=True) + 1e-12))
    return torch.clamp(out, lo, hi).reshape(x.shape)


def gradcam_regions(feats, z, classes):
    """A^t for each pair ``g`` (images 2g, 2g+1) and its class ``classes[g]``: ``[G, h, w]``.

    Differentiable w.r.t. ``feats``; the channel weights are constants, as in the
    hook-based reference.
    """
    groups = len(classes)
    n, num_classes, h, w = z.shape
    score = F.relu(z).sum((2, 3)).reshape(groups, 2, num_classes)  # gsp2d
    target = score[torch.arange(groups, device=z.device), :, classes].sum()
    grads, = torch.autograd.grad(target, feats, retain_graph=True)
    weights = gap2d_pos(grads, groups)
    maps = F.relu((feats * weights).sum(1)).reshape(groups, 2, h, w)
    return maps[:, 0] + maps[:, 1].flip(-1)


def climb_objective(z, regions, init, classes, ad_coeff, score_th):
    """J per pair ``[G]``: ``y_c − Σ_{k≠c} y_k − λ Σ |A^t − A⁰| ⊙ M^t`` over the pair."""
    groups = len(classes)
    y = F.relu(z).mean((2, 3)).reshape(groups, 2, -1)  # gap2d of relu(Z)
    y_c = y[torch.arange(groups, device=z.device), :, classes]
    logit_loss = -2 * y_c.sum(1) + y.sum((1, 2))
    mask = discriminative_mask(regions.detach(), score_th)
    l_ad = (torch.abs(regions - init) * mask).sum((1, 2))
    return -logit_loss - ad_coeff * l_ad


@SEED_GENERATORS.register_module(name='AdvCAM')
class AdvCAMSeedGenerator(BaseSeedGenerator):
    """Anti-adversarially manipulated CAM (Lee et al., CVPR 2021, Eq. 5-8 + the
    official implementation details listed in the module docstring).

    Args:
        adv_iter: T (27). ad_coeff: λ (7). ad_stepsize: ξ (0.08). score_th: τ (0.5).
        half_iter_scale: the scale climbed with the shortened schedule and processed
            first (the reference's index order [1, 0, 2, 3] puts 0.5 first).
    """

    def __init__(self, model, scales=(1.0, 0.5, 1.5, 2.0), adv_iter=27, ad_coeff=7.,
                 ad_stepsize=0.08, score_th=0.5, half_iter_scale=0.5, mode='optimized'):
        super().__init__(model, scales=scales, mode=mode)
        self.adv_iter = adv_iter
        self.ad_coeff = ad_coeff
        self.ad_stepsize = ad_stepsize
        self.score_th = score_th
        self.half_iter_scale = half_iter_scale

    def scale_order(self):
        half = [s for s in self.scales if s == self.half_iter_scale]
        return tuple(half + [s for s in self.scales if s != self.half_iter_scale])

    def scale_maps(self, pair, scale, keys):
        iters, _ = climb_schedule(self.adv_iter, scale == self.half_iter_scale)
        _, mul = climb_schedule(self.adv_iter, True)
        if self.mode == 'reference':
            return torch.cat([self.climb(pair, keys[i:i + 1], iters, mul, last_step=True)
                              for i in range(len(keys))])
        batch = pair.repeat(len(keys), 1, 1, 1)
        return self.climb(batch, keys, iters, mul, last_step=False)

    def climb(self, x, classes, iters, mul, last_step):
        """Climb the pairs ``x [2G, 3, h, w]`` for ``classes [G]``; returns ``Σ_t mul·A^t [G, h', w']``.

        ``last_step=False`` skips the backward pass and step after the last map,
        whose result the reference discards.
        """
        groups = len(classes)
        total = init = None
        for t in range(iters):
            x = x.detach().requires_grad_(True)
            with torch.enable_grad():
                feats = self.model.features(x)
                z = self.model.class_maps(feats)
                regions = gradcam_regions(feats, z, classes)
                if t == 0:
                    init = regions.detach()
                    total = torch.zeros_like(init)
                total += regions.detach() * mul
                if t == iters - 1 and not last_step:
                    break
                objective = climb_objective(z, regions, init, classes,
                                            self.ad_coeff, self.score_th)
                grad, = torch.autograd.grad(objective.sum(), x)
            x = adv_climb(x.detach(), grad, self.ad_stepsize, groups)
        return total
