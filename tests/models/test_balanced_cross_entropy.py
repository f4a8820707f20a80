"""BalancedCrossEntropyLoss = 1/2 mean CE over background + 1/2 mean CE over foreground."""
import math

import pytest
import torch

import wsss_plugins  # noqa: F401
from mmseg.registry import MODELS


def test_hand_computed_value():
    """Logits (0, 0, 0) give CE log 3; logits (ln 2, 0, 0) give CE log 4 - log 2 = log 2 for
    class 0 and log 4 for the others. Pixels: 3 background (CE log 2, log 2, log 3),
    1 foreground (CE log 4), 1 ignored."""
    logits = torch.zeros(1, 3, 1, 5)
    logits[0, 0, 0, :2] = math.log(2)
    logits[0, 0, 0, 3] = math.log(2)
    labels = torch.tensor([[[0, 0, 0, 2, 255]]])
    loss = MODELS.build(dict(type='BalancedCrossEntropyLoss'))
    expected = 0.5 * ((2 * math.log(2) + math.log(3)) / 3 + math.log(4))
    assert loss(logits, labels).item() == pytest.approx(expected)
    assert loss.loss_name == 'loss_bce'
    # plain CE over the 4 valid pixels, for contrast
    plain = (2 * math.log(2) + math.log(3) + math.log(4)) / 4
    assert torch.nn.functional.cross_entropy(logits, labels, ignore_index=255).item() == \
        pytest.approx(plain)
    assert abs(expected - plain) > 0.1


def test_missing_set_contributes_zero_and_weight_scales():
    logits = torch.zeros(2, 4, 2, 2)
    labels = torch.zeros(2, 2, 2, dtype=torch.long)
    labels[1] = 255
    loss = MODELS.build(dict(type='BalancedCrossEntropyLoss', loss_weight=2.0))
    assert loss(logits, labels).item() == pytest.approx(2.0 * 0.5 * math.log(4))
    labels[:] = 255
    assert loss(logits, labels).item() == 0.0
