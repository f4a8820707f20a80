"""W-OoD's losses (models/losses/wood_loss.py) on hand-made features: the distance loss and
its rank threshold, K-means on a separable set, the anti-adversarial step and the hard-OoD
term."""
import math

import pytest
import torch

from wsss_plugins.models.losses.wood_loss import (anti_adversarial_step, distance_loss,
                                                  hard_ood_loss, kmeans, prototype_distances)


def test_distance_loss_by_hand():
    features = torch.tensor([[0., 0.], [3., 4.]])
    labels = torch.tensor([[1., 0.], [1., 1.]])
    classes = torch.tensor([[0., 1.], [3., 0.]])  # distances: img0 1, 3; img1 √18, 4
    ood = torch.tensor([[0., 2.], [6., 8.], [0., 0.], [3., 3.], [1., 1.]])
    dist = prototype_distances(features, torch.cat([classes, ood]))
    # the all-zero OoD prototype (an empty cluster) has distance 0, as the reference
    assert dist[:, 4].tolist() == [0.0, 0.0]
    assert dist[0, :2].tolist() == pytest.approx([1.0, 3.0])
    # non-zero OoD distances (8 of them), descending; the threshold is the int(0.8 * 8) = 6th
    # largest (the reference's topk(6).values[-1])
    nonzero = sorted([2.0, 10.0, math.sqrt(18), math.sqrt(2),
                      math.sqrt(13), 5.0, 1.0, math.sqrt(13)], reverse=True)
    threshold = nonzero[5]                      # 2.0: the distances √2 and 1.0 are below it
    assert threshold == pytest.approx(2.0)
    fg = (1.0 + math.sqrt(18) + 4.0) / 4        # mean over all B x C entries, absent = 0
    near = (1.0 + math.sqrt(2)) / 10            # mean over all B x K entries
    expected = 2 / 5 * fg - near
    loss = distance_loss(features, labels, torch.cat([classes, ood]))
    assert loss.item() == pytest.approx(expected, rel=1e-6)
    # a wider nearest fraction pushes more OoD pairs: the 4th largest, √13
    wider = distance_loss(features, labels, torch.cat([classes, ood]), nearest_fraction=0.5)
    assert wider.item() == pytest.approx(2 / 5 * fg - (1.0 + math.sqrt(2) + 2.0) / 10)


def test_kmeans_finds_two_separable_blobs_from_the_first_points():
    gen = torch.Generator().manual_seed(0)
    a = torch.randn(20, 3, generator=gen) * 0.1
    b = torch.randn(30, 3, generator=gen) * 0.1 + 5
    points = torch.cat([a, b])  # the first two points (the initial centres) are both in a
    centres, assignment = kmeans(points, k=2, iterations=10)
    assert assignment[:20].unique().numel() == 1 and assignment[20:].unique().numel() == 1
    assert assignment[0] != assignment[20]
    torch.testing.assert_close(centres[assignment[0]], a.mean(0))
    torch.testing.assert_close(centres[assignment[20]], b.mean(0))
    with pytest.raises(ValueError, match='needs at least 60 points'):
        kmeans(points, k=60)


def test_kmeans_empty_cluster_is_a_zero_centre():
    points = torch.tensor([[0., 0.], [10., 10.], [0., 0.], [10., 9.]])
    centres, assignment = kmeans(points, k=3, iterations=5)  # centre 2 duplicates centre 0
    assert (assignment == 2).sum() == 0
    assert centres[2].tolist() == [0.0, 0.0]
    assert centres[1].tolist() == [10.0, 9.5]


def test_anti_adversarial_step_and_hard_ood_loss():
    x = torch.tensor([[[[0.0, 1.0], [2.0, 3.0]]]])
    w = torch.tensor([[[[1.0, -2.0], [0.5, 4.0]]]])
    climbed = anti_adversarial_step(x, lambda t: (t * w).sum(), step=0.4)
    # x + 0.4 * w / max|w| = x + 0.1 w, clamped to the batch's range [0, 3]
    assert climbed.flatten().tolist() == pytest.approx([0.1, 0.8, 2.05, 3.0])
    logits = torch.zeros(2, 4)
    assert hard_ood_loss(logits).item() == pytest.approx(math.log(2))
    assert hard_ood_loss(logits, keep=torch.tensor([True, False])).item() == \
        pytest.approx(math.log(2) / 2)
    assert hard_ood_loss(torch.full((1, 4), -20.0)).item() < 1e-8
