"""W-OoD's losses (Lee et al., CVPR 2022; methods.md §3.2, wave2.md §2.2-2.3, the reference's
``step/train_cam_clustering.py``), as functions the W-OoD classifier composes.

* ``kmeans``: the OoD prototypes, Lloyd's algorithm as the reference's pykeops ``KMeans``
  (Euclidean, the first K points as the initial centres, 10 iterations), then every centre
  recomputed as the mean of its cluster (an empty cluster: a zero vector, as the reference);
* ``distance_loss``: L_d = (C/K)·mean(fg distances · y) − mean(OoD distances under the
  ⌊0.8·n⌋-th largest of the n non-zero ones) over the Euclidean distances of each image's
  GAP feature to the C class and K OoD prototypes;
* ``anti_adversarial_step``: AdvCAM's ``adv_climb`` on a batch (x + ε·g/‖g‖∞, clamped to the
  batch's range; ‖g‖∞ and the range are global over the batch tensor);
* ``hard_ood_loss``: the multilabel soft-margin loss of the climbed OoD images towards
  all-zero labels, summed over the images and divided by the batch size.
"""
import torch
import torch.nn.functional as F


def kmeans(points, k=50, iterations=10):
    """``(centres [k, D], assignment [N])`` of ``points [N, D]`` (N ≥ k).

    ``iterations`` Lloyd steps (assign to the nearest centre, move each centre to its
    members' mean); the result is the last step's assignment and its cluster means, a zero
    vector for an empty cluster (the reference's "nope!" branch). During the steps an empty
    cluster keeps its centre (the reference divides by zero and carries NaN)."""
    if points.shape[0] < k:
        raise ValueError(f'K-means with K={k} needs at least {k} points, got {points.shape[0]} '
                         '(fewer OoD images than clusters)')
    points = points.float()
    centres = points[:k].clone()
    for _ in range(max(iterations, 1)):
        assignment = torch.cdist(points, centres).argmin(1)
        sums = torch.zeros_like(centres).index_add_(0, assignment, points)
        counts = torch.bincount(assignment, minlength=k).unsqueeze(1)
        centres = torch.where(counts > 0, sums / counts.clamp(min=1), centres)
    return torch.where(counts > 0, centres, torch.zeros_like(centres)), assignment


def prototype_distances(features, prototypes):
    """``[B, P]`` Euclidean distances of ``features [B, D]`` to ``prototypes [P, D]``; a
    prototype of all zeros (an empty OoD cluster) gives distance 0, as the reference."""
    dist = ((features[:, None] - prototypes[None]) ** 2).sum(-1).sqrt()
    return torch.where(prototypes.sum(1)[None] == 0, torch.zeros_like(dist), dist)


def distance_loss(features, labels, prototypes, nearest_fraction=0.2):
    """W-OoD's L_d. ``features [B, D]`` (GAP of the last stage), ``labels [B, C]`` multi-hot,
    ``prototypes [C + K, D]`` (the C class centres, then the K OoD centres)."""
    num_classes = labels.shape[1]
    dist = prototype_distances(features, prototypes)
    fg, ood = dist[:, :num_classes] * labels, dist[:, num_classes:]
    nonzero = ood[ood != 0]
    if nonzero.numel() == 0:
        near = torch.zeros_like(ood)
    else:
        # the reference: topk(k=int(0.8 n)).values[-1], the k-th largest
        ranked = nonzero.sort(descending=True).values
        threshold = ranked[max(int((1 - nearest_fraction) * nonzero.numel()) - 1, 0)]
        near = ood * (ood < threshold)
    return num_classes / ood.shape[1] * fg.mean() - near.mean()


def anti_adversarial_step(images, score_fn, step=0.07):
    """One AdvCAM ``adv_climb`` step that raises ``score_fn(images)`` (a scalar)."""
    x = images.detach().requires_grad_(True)
    grad, = torch.autograd.grad(score_fn(x), x)
    climbed = x.detach() + step * grad / grad.abs().max().clamp(min=1e-12)
    return climbed.clamp(images.min(), images.max())


def hard_ood_loss(logits, keep=None):
    """Σ_b multilabel soft-margin(logits_b, 0) / B over the images ``keep`` marks (all by
    default; the reference's ``argmax ≠ 4`` mask is one ``keep``)."""
    per_image = F.multilabel_soft_margin_loss(logits, torch.zeros_like(logits),
                                              reduction='none')
    if keep is not None:
        per_image = per_image * keep.to(per_image.dtype)
    return per_image.sum() / logits.shape[0]
