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
Gradients are taken without the deprecated hooks (``retain_grad`` / ``autograd.grad``).

Modes: ``reference`` is the official computation: one class and one flip pair at a time in
the official order, both gradients by ``.backward()`` through the whole network with the
parameters requiring grad (as the official script leaves them), and the last, unused step.
``optimized`` climbs all GT classes of a batch of images as one batch of 2ΣK images
(``gap2d_pos`` counts, ``max|∇J|`` and the clamp range stay per pair, as in the
reference), takes ``autograd.grad`` to the features and to the input only, and skips
the unused last step.
"""
import contextlib

import torch
import torch.nn.functional as F

from ..registry import SEED_GENERATORS
from .base import AUTOCAST_DTYPES, BaseSeedGenerator


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


def gradcam_regions(feats, z, classes, full_backward=False):
    """A^t for each pair ``g`` (images 2g, 2g+1) and its class ``classes[g]``: ``[G, h, w]``.

    Differentiable w.r.t. ``feats``; the channel weights are constants, as in the
    hook-based reference.  ``full_backward``: the gradient is taken as the official script
    takes it (``.backward()`` through the whole network, reaching the input and every
    parameter that requires grad; the feature gradient read off ``feats``); otherwise
    ``autograd.grad`` stops at ``feats``.
    """
    groups = len(classes)
    n, num_classes, h, w = z.shape
    score = F.relu(z).sum((2, 3)).reshape(groups, 2, num_classes)  # gsp2d
    target = score[torch.arange(groups, device=z.device), :, classes].sum()
    if full_backward:
        feats.retain_grad()
        target.backward(retain_graph=True)
        grads = feats.grad
    else:
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
                 ad_stepsize=0.08, score_th=0.5, half_iter_scale=0.5, mode='optimized',
                 rewrites=None, autocast=None):
        super().__init__(model, scales=scales, mode=mode, rewrites=rewrites, autocast=autocast)
        self.adv_iter = adv_iter
        self.ad_coeff = ad_coeff
        self.ad_stepsize = ad_stepsize
        self.score_th = score_th
        self.half_iter_scale = half_iter_scale

    # No inference rewrites: BN folding and NHWC change the float rounding, which the climb's
    # max-normalised steps and mask thresholds amplify (benchmarks/bench_advcam.py
    # --ablation: T=3, max|d| 1.5e-5 / 6.5e-6 alone, 1.3e-4 together vs 0 without) for
    # ~15%; the speed-up comes from the batching and the gradients not taken.
    rewrites = ()

    def scale_order(self):
        half = [s for s in self.scales if s == self.half_iter_scale]
        return tuple(half + [s for s in self.scales if s != self.half_iter_scale])

    def scale_maps(self, pairs, scale, keys):
        iters, _ = climb_schedule(self.adv_iter, scale == self.half_iter_scale)
        _, mul = climb_schedule(self.adv_iter, True)
        if self.mode == 'reference':
            return [torch.cat([self.climb(pairs[2 * b:2 * b + 2], k[i:i + 1], iters, mul)
                               for i in range(len(k))]) for b, k in enumerate(keys)]
        # every class of every image climbs as its own flip pair, all in one batch
        batch = torch.cat([pairs[2 * b:2 * b + 2].repeat(len(k), 1, 1, 1)
                           for b, k in enumerate(keys)])
        maps = self.climb(batch, torch.cat(keys), iters, mul).split([len(k) for k in keys])
        return list(maps)

    def climb(self, x, classes, iters, mul):
        """Climb the pairs ``x [2G, 3, h, w]`` for ``classes [G]``; returns ``Σ_t mul·A^t [G, h', w']``.

        ``reference``: the official step — both gradients by ``.backward()`` through the
        whole network with the parameters requiring grad (the official script leaves them
        so; the gradients it accumulates are never used, here they are dropped after each
        climb), and the backward pass and step after the last map, whose result the
        reference discards.  ``optimized``: ``autograd.grad`` to the features and to
        the input only, no last step.
        """
        reference = self.mode == 'reference'
        params = list(self.model.parameters()) if reference else []
        for p in params:
            p.requires_grad_(True)
        try:
            return self._climb(x, classes, iters, mul, reference)
        finally:
            for p in params:
                p.requires_grad_(False)
                p.grad = None

    def _climb(self, x, classes, iters, mul, reference):
        groups = len(classes)
        total = init = None
        dtype = AUTOCAST_DTYPES.get(self.autocast)
        for t in range(iters):
            x = x.detach().requires_grad_(True)
            amp = contextlib.nullcontext() if dtype is None else torch.autocast(x.device.type, dtype)
            with torch.enable_grad():
                with amp:  # the backbone in bf16 when asked; the climb's arithmetic in float32
                    feats = self.net.features(x)
                feats = feats.float()
                z = self.net.class_maps(feats)
                regions = gradcam_regions(feats, z, classes, full_backward=reference)
                if t == 0:
                    init = regions.detach()
                    total = torch.zeros_like(init)
                total += regions.detach() * mul
                if t == iters - 1 and not reference:
                    break
                objective = climb_objective(z, regions, init, classes,
                                            self.ad_coeff, self.score_th)
                if reference:
                    x.grad = None
                    objective.sum().backward()
                    grad = x.grad
                else:
                    grad, = torch.autograd.grad(objective.sum(), x)
            x = adv_climb(x.detach(), grad, self.ad_stepsize, groups)
        return total
