"""Inference rewrites (utils/inference.py): exact on hand-made cases, refused where unsafe,
and the seed generators' optimized mode within 1e-5 of the reference mode."""
import numpy as np
import pytest
import torch
import torch.nn as nn

from wsss_plugins.utils.inference import (OneDNNIsland, fold_batch_norms, inference_copy,
                                          onednn_islands)


def test_fold_by_hand():
    conv = nn.Conv2d(1, 1, 1, bias=True)
    bn = nn.BatchNorm2d(1)
    with torch.no_grad():
        conv.weight.fill_(2.), conv.bias.fill_(1.)
        bn.running_mean.fill_(1.), bn.running_var.fill_(3.), bn.weight.fill_(2.)
        bn.bias.fill_(.5)
    net = nn.Sequential(conv, bn).eval()
    x = torch.tensor([[[[0., 1., -2.]]]])
    expected = (2 * x + 1 - 1) / (3 + bn.eps) ** .5 * 2 + .5
    assert torch.allclose(net(x), expected, atol=1e-6)
    assert fold_batch_norms(net, x) == 1
    assert isinstance(net[1], nn.Identity)
    # w' = w·γ/σ, b' = (b − μ)·γ/σ + β
    assert net[0].weight.item() == pytest.approx(2 * 2 / (3 + bn.eps) ** .5, abs=1e-6)
    assert net[0].bias.item() == pytest.approx(0 * 2 / 3 ** .5 + .5, abs=1e-6)
    assert torch.allclose(net(x), expected, atol=1e-6)


class PreAct(nn.Module):
    """BN → ReLU → conv (ResNet-38d's pre-activation): nothing to fold."""

    def __init__(self):
        super().__init__()
        self.bn = nn.BatchNorm2d(3)
        self.conv = nn.Conv2d(3, 4, 3, padding=1)

    def forward(self, x):
        return self.conv(torch.relu(self.bn(x)))


class SharedConvOutput(nn.Module):
    """A conv output read by its BN and by a shortcut: folding would change the shortcut."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 3, 1)
        self.bn = nn.BatchNorm2d(3)

    def forward(self, x):
        y = self.conv(x)
        return self.bn(y) + y


class WithBackbone(nn.Module):
    def __init__(self, backbone):
        super().__init__()
        self.backbone = backbone


def _trained_stats(bn, seed):
    gen = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        bn.running_mean.copy_(torch.randn(bn.num_features, generator=gen))
        bn.running_var.copy_(torch.rand(bn.num_features, generator=gen) + .5)
        bn.weight.copy_(torch.rand(bn.num_features, generator=gen) + .5)


def test_preactivation_has_nothing_to_fold():
    net = PreAct().eval()
    assert fold_batch_norms(net) == 0
    assert isinstance(net.bn, nn.BatchNorm2d)


def test_a_conv_output_read_twice_is_refused_by_the_probe_check():
    net = SharedConvOutput()
    _trained_stats(net.bn, 0)
    with pytest.raises(ValueError, match='change the output of SharedConvOutput'):
        inference_copy(WithBackbone(net), rewrites=('fold_bn',))


@pytest.fixture(scope='module')
def resnet18():
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS

    import wsss_plugins  # noqa: F401
    init_default_scope('mmseg')
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='CAMClassifier', num_classes=4,
        backbone=dict(type='ResNet', depth=18, base_channels=8, stem_channels=8,
                      strides=(1, 2, 2, 1), out_indices=(3, ), norm_eval=True))).eval()
    for i, m in enumerate(model.modules()):  # BN statistics unlike their init
        if isinstance(m, nn.BatchNorm2d):
            _trained_stats(m, i)
    return model


def test_inference_copy_of_a_resnet(resnet18):
    before = {k: v.clone() for k, v in resnet18.state_dict().items()}
    fast = inference_copy(resnet18)
    # every BN of the IRN ResNet follows a conv: none left; the stages run on oneDNN
    assert not any(isinstance(m, nn.BatchNorm2d) for m in fast.backbone.modules()
                   if not isinstance(m, OneDNNIsland))
    assert {'layer1', 'layer2', 'layer3', 'layer4'} <= {
        n for n, m in fast.backbone.named_children() if isinstance(m, OneDNNIsland)}
    x = torch.randn(2, 3, 37, 45)
    with torch.no_grad():
        assert (fast.cam(x) - resnet18.cam(x)).abs().max() <= 1e-5
    # the model itself is untouched
    after = resnet18.state_dict()
    assert before.keys() == after.keys()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert sum(isinstance(m, nn.BatchNorm2d) for m in resnet18.modules()) == 20


def test_an_unsupported_child_stays_dense():
    class Odd(nn.Module):  # a child whose op has no oneDNN kernel (cumsum)
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(3, 3, 1)

        def forward(self, x):
            return self.conv(x).cumsum(-1)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Conv2d(3, 3, 3, padding=1)
            self.b = Odd()

        def forward(self, x):
            return self.b(self.a(x))

    net = Net().eval()
    assert onednn_islands(net) == ['a']
    assert isinstance(net.a, OneDNNIsland) and isinstance(net.b, Odd)


# --- the generators' optimized mode against their reference mode ---------------------------

def _images(n, size=(37, 45), seed=0):
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 256, size + (3,), dtype=np.uint8) for _ in range(n)]


@pytest.mark.parametrize('method', ['CAM', 'AdvCAM'])
def test_optimized_equals_reference_single_and_batched(resnet18, method):
    from wsss_plugins.registry import SEED_GENERATORS
    cls = SEED_GENERATORS.get(method)
    options = dict(adv_iter=6) if method == 'AdvCAM' else {}
    imgs, keys = _images(3), [[1, 3], [0], [2, 1, 0]]
    reference = [cls(resnet18, mode='reference', **options)(i, k) for i, k in zip(imgs, keys)]
    fast = cls(resnet18, **options)
    # CAM runs the inference copy; AdvCAM the model (its climb amplifies rounding)
    assert (fast.net is resnet18) == (method == 'AdvCAM')
    singles = [fast(i, k) for i, k in zip(imgs, keys)]
    batched = fast.batch(imgs, keys)
    for ref, one, many in zip(reference, singles, batched):
        for out in (one, many):
            assert out['keys'].tolist() == ref['keys'].tolist()
            for name in ('cam', 'high_res'):
                assert out[name].shape == ref[name].shape
                assert (out[name] - ref[name]).abs().max() <= 1e-5, (method, name)
    # the reference mode leaves the parameters frozen and without gradients
    assert all(not p.requires_grad and p.grad is None for p in resnet18.parameters())


def test_a_batch_needs_one_size(resnet18):
    from wsss_plugins.seeds.cam import CAMSeedGenerator
    imgs = _images(1) + _images(1, size=(30, 45))
    with pytest.raises(ValueError, match='one size'):
        CAMSeedGenerator(resnet18).batch(imgs, [[0], [1]])


@pytest.mark.parametrize('method', ['CAM', 'AdvCAM'])
def test_bf16_autocast_agrees_with_float32(resnet18, method):
    """The GPU option on the CPU: bf16 network, float32 merge (and climb arithmetic); the
    seeds' labels (arg-max over the image's classes with background at 0.15) agree on
    ≥ 97% of pixels."""
    from wsss_plugins.registry import SEED_GENERATORS
    cls = SEED_GENERATORS.get(method)
    options = dict(adv_iter=6) if method == 'AdvCAM' else {}
    imgs, keys = _images(4, seed=3), [[0, 1], [2], [1, 3], [0, 2, 3]]
    fp32 = cls(resnet18, **options).batch(imgs, keys)
    bf16 = cls(resnet18, autocast='bf16', **options).batch(imgs, keys)
    agree, diff = [], 0.
    for a, b in zip(fp32, bf16):
        assert b['high_res'].dtype == torch.float32
        diff = max(diff, float((a['high_res'] - b['high_res']).abs().max()))
        pad = torch.full((1,) + a['high_res'].shape[1:], .15)
        la = torch.cat([pad, a['high_res']]).argmax(0)
        lb = torch.cat([pad, b['high_res']]).argmax(0)
        agree.append(float((la == lb).float().mean()))
    assert 0 < diff < 0.1  # bf16 is not float32, and not far from it
    assert min(agree) >= 0.97
    print(method, 'bf16 vs fp32: max |d|', diff, 'label agreement', min(agree))
    with pytest.raises(ValueError, match='optimized mode'):
        cls(resnet18, mode='reference', autocast='bf16')
