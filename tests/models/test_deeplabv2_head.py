"""DeepLabV2Head: four dilated 3x3 classifiers summed (deeplab-pytorch ``_ASPP``)."""
import pytest
import torch
import torch.nn.functional as F
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

import wsss_plugins  # noqa: F401
from mmseg.registry import MODELS


def build_head(in_channels=8, num_classes=5, **kwargs):
    return MODELS.build(dict(type='DeepLabV2Head', in_channels=in_channels,
                             num_classes=num_classes, **kwargs))


def test_output_shape_and_parameters():
    head = build_head()
    out = head((torch.randn(2, 8, 9, 11), ))
    assert out.shape == (2, 5, 9, 11)
    # Exactly the four classifiers: no conv_seg, dropout, BN or bottleneck.
    assert sorted(n for n, _ in head.named_parameters()) == sorted(
        f'convs.{i}.{p}' for i in range(4) for p in ('weight', 'bias'))
    assert not hasattr(head, 'conv_seg') and head.dropout is None
    assert [(c.dilation, c.padding, c.kernel_size) for c in head.convs] == [
        ((d, d), (d, d), (3, 3)) for d in (6, 12, 18, 24)]


def test_init_normal_001_bias_zero():
    torch.manual_seed(0)
    head = build_head(in_channels=512, num_classes=21)
    head.init_weights()
    for conv in head.convs:
        assert conv.weight.mean().abs() < 1e-3
        assert conv.weight.std().item() == pytest.approx(0.01, rel=0.02)
        assert torch.all(conv.bias == 0)


def test_sum_of_branches_hand_built():
    """Branch k has only its top-left tap (= k+1) and bias 0.1*k, so the output at (r, c) is
    sum_k (k+1) * x[r - d_k, c - d_k] (0 outside the map) + 0.6."""
    head = build_head(in_channels=1, num_classes=1)
    with torch.no_grad():
        for k, conv in enumerate(head.convs):
            conv.weight.zero_()
            conv.weight[0, 0, 0, 0] = k + 1
            conv.bias.fill_(0.1 * k)
    x = torch.arange(30 * 30, dtype=torch.float32).reshape(1, 1, 30, 30)
    out = head((x, ))[0, 0]
    expected = torch.full((30, 30), 0.6)
    for k, d in enumerate((6, 12, 18, 24)):
        expected[d:, d:] += (k + 1) * x[0, 0, :30 - d, :30 - d]
    torch.testing.assert_close(out, expected)
    # ... and in general the sum of the four convolutions
    head = build_head()
    x = torch.randn(1, 8, 13, 10)
    reference = sum(F.conv2d(x, c.weight, c.bias, padding=d, dilation=d)
                    for c, d in zip(head.convs, (6, 12, 18, 24)))
    torch.testing.assert_close(head((x, )), reference)


def test_every_head_parameter_gets_a_gradient():
    head = build_head()
    sample = SegDataSample()
    sample.gt_sem_seg = PixelData(data=torch.randint(0, 5, (1, 12, 12)))
    losses = head.loss_by_feat(head((torch.randn(1, 8, 12, 12), )), [sample])
    losses['loss_ce'].backward()
    for name, p in head.named_parameters():
        assert p.grad is not None and p.grad.abs().sum() > 0, name
