"""BBAM's seed-growing mask loss on a hand-made 28×28 case; the packed ignore bits."""
import math

import numpy as np
import pytest
import torch

from wsss_plugins.models.detection.seed_growing_mask_head import (seed_growing_loss,
                                                                  split_packed_masks)


def softplus(x):
    return math.log1p(math.exp(x))


def test_seed_growing_loss_on_a_hand_made_case():
    fg = torch.zeros(1, 28, 28)
    fg[0, 5:15, 5:15] = 1  # the th 0.85 seed: a 10×10 square
    fg[0, 25, 25] = 1  # an isolated seed pixel: no foreground neighbour, dropped
    ignore = torch.zeros(1, 28, 28)
    ignore[0, 3:17, 3:17] = 1  # the th 0.2 region: a 14×14 square around it
    ignore[0, 25, 25] = 1
    logits = torch.zeros(1, 28, 28)
    logits[0, 3:5, 5:15] = 5  # confident foreground in the ring: grows F (20 pixels)
    logits[0, 15:17, 5:15] = -5  # confident background in the ring: grows B (20 pixels)
    logits[0, 10, 10] = -5  # confident background on a foreground seed: the seed wins
    logits[0, 0, 0] = 5  # confident foreground on a background seed: the seed wins
    # F = 100 seed + 20 grown pixels; B = 28² − 14² − 1 seed pixels + 20 grown
    n_b = 28 * 28 - 14 * 14 - 1
    mean_f = (99 * math.log(2) + softplus(5) + 20 * softplus(-5)) / 120
    mean_b = ((n_b - 1) * math.log(2) + softplus(5) + 20 * softplus(-5)) / (n_b + 20)
    loss = seed_growing_loss(logits, fg, ignore)
    assert loss.item() == pytest.approx((mean_f + mean_b) / 2, rel=1e-5)


def test_seed_growing_loss_is_zero_without_foreground_or_background():
    logits = torch.zeros(2, 28, 28, requires_grad=True)
    loss = seed_growing_loss(logits, torch.zeros(2, 28, 28), torch.zeros(2, 28, 28))
    assert loss.item() == 0
    loss.backward()  # still a graph: the batch trains on
    assert logits.grad.abs().sum() == 0


def test_packed_masks_split_into_mask_and_ignore_region_and_plain_masks_ignore_themselves():
    from mmdet.structures.mask import BitmapMasks
    packed = np.zeros((2, 4, 4), np.uint8)
    packed[0, 1:3, 1:3] = 1
    packed[0, 0:4, 0:4] |= 2  # instance 0: ignore region the whole image
    packed[1, 0, 0] = 1  # instance 1: no ignore bit anywhere
    fg, ignore = split_packed_masks(BitmapMasks(packed, 4, 4))
    assert fg.masks.sum((1, 2)).tolist() == [4, 1]
    assert ignore.masks.sum((1, 2)).tolist() == [16, 1]
    np.testing.assert_array_equal(ignore.masks[1], fg.masks[1])
