"""AMN model: label conditioning, LC position, deterministic inference, training step."""
import os.path as osp

import numpy as np
import pytest
import torch
from wsss_plugins.datasets import load_config
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

NUM_FG = 4


@pytest.fixture(scope='module')
def toy_cfg(repo_root):
    import wsss_plugins  # noqa: F401
    from mmengine.registry import init_default_scope
    init_default_scope('mmseg')
    return load_config(osp.join(repo_root, 'configs/amn/amn_toy.py'))


def build(cfg, **overrides):
    from mmseg.registry import MODELS
    model_cfg = cfg.model.copy()
    model_cfg.update(overrides)
    torch.manual_seed(0)
    model = MODELS.build(model_cfg)
    model.init_weights()
    return model


def samples(labels, seg=None):
    out = []
    for i, lab in enumerate(labels):
        s = SegDataSample(metainfo=dict(img_labels=np.asarray(lab, np.float32),
                                        img_shape=(64, 64), ori_shape=(64, 64)))
        if seg is not None:
            s.gt_sem_seg = PixelData(data=seg[i][None])
        out.append(s)
    return out


def test_shapes_freezing_and_config(toy_cfg):
    model = build(toy_cfg)
    assert toy_cfg.model.lc_stages == ('layer4', )
    assert list(model.label_encs) == ['layer4']
    assert model.label_encs['layer4'].weight.shape == (128, NUM_FG)  # Linear(C_fg, channels)
    assert model.dropout.p == pytest.approx(0.1)
    x = torch.randn(2, 3, 64, 64)
    model.eval()
    logits = model(x, samples([[1, 0, 0, 0], [0, 1, 1, 0]]), mode='tensor')
    assert logits.shape == (2, NUM_FG + 1, 4, 4)  # output stride 16
    model.train()
    assert not model.backbone.conv1.weight.requires_grad  # only conv1/bn1 frozen
    assert model.backbone.layer1[0].conv1.weight.requires_grad
    assert not any(m.training for m in model.backbone.modules()
                   if isinstance(m, torch.nn.BatchNorm2d))  # norm_eval


def make_lc_selective(model):
    """Label encoder routes class c to channel group c; the ASPP's class c+1 sums group c
    (centre taps of the first conv only); every bias 0."""
    channels = model.label_encs['layer4'].out_features
    group = channels // NUM_FG
    with torch.no_grad():
        w = torch.zeros(channels, NUM_FG)
        for c in range(NUM_FG):
            w[c * group:(c + 1) * group, c] = 1.
        model.label_encs['layer4'].weight.copy_(w)
        model.label_encs['layer4'].bias.zero_()
        for conv in model.decode_head.convs:
            conv.weight.zero_()
            conv.bias.zero_()
        for c in range(NUM_FG):
            model.decode_head.convs[0].weight[c + 1, c * group:(c + 1) * group, 1, 1] = 1.


def test_label_conditioning_removes_absent_classes(toy_cfg):
    model = build(toy_cfg).eval()
    make_lc_selective(model)
    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        conditioned = model(x, samples([[1, 0, 1, 0], [0, 1, 0, 0]]))
        unconditioned = model(x, samples([[1, 1, 1, 1], [1, 1, 1, 1]]))
    # Absent classes: exactly zero logits (= the background logit here).
    assert torch.all(conditioned[0, [2, 4]] == 0)
    assert torch.all(conditioned[1, [1, 3, 4]] == 0)
    # Present classes keep their activation (the features are post-ReLU, >= 0).
    for b, present in ((0, [1, 3]), (1, [2])):
        assert torch.all(conditioned[b, present] >= 0)
        assert torch.all(conditioned[b, present].amax((1, 2)) > 0)
        torch.testing.assert_close(conditioned[b, present], unconditioned[b, present])
    # Without LC (all-ones label) the same absent classes are active: LC removed them.
    assert unconditioned[0, [2, 4]].amax() > 0
    assert unconditioned[1, [1, 3, 4]].amax() > 0
    # Softmax: an absent class never beats a present one.
    prob = conditioned.softmax(1)
    assert torch.all(prob[0, 2] <= prob[0, 1]) and torch.all(prob[1, 1] <= prob[1, 2])


def test_lc_position_is_configurable(toy_cfg):
    model = build(toy_cfg, lc_stages=('layer3', 'layer4'))
    # ResNet-18 at width 16: layer3 has 64 channels, layer4 128.
    assert {k: v.out_features for k, v in model.label_encs.items()} == dict(layer3=64,
                                                                            layer4=128)
    only3 = build(toy_cfg, lc_stages=('layer3', )).eval()
    x = torch.randn(1, 3, 64, 64)
    with torch.no_grad():
        a = only3(x, samples([[1, 0, 0, 0]]))
        b = only3(x, samples([[0, 0, 1, 0]]))
        # LC at layer3 with the layer3 output zeroed for an all-zero label embedding.
        only3.label_encs['layer3'].bias.zero_()
        z = only3(x, samples([[0, 0, 0, 0]]))
    assert not torch.allclose(a, b)
    # Zero embedding -> layer4 input 0 -> the output is input-independent.
    with torch.no_grad():
        z2 = only3(torch.randn(1, 3, 64, 64), samples([[0, 0, 0, 0]]))
    torch.testing.assert_close(z, z2)
    assert not only3.backbone.layer3._forward_hooks  # hooks are removed after each forward
    with pytest.raises(ValueError, match='lc_stages'):
        build(toy_cfg, lc_stages=('layer5', ))


def test_inference_is_deterministic_unless_reference_flag(toy_cfg):
    x = torch.randn(1, 3, 64, 64)
    s = samples([[1, 1, 0, 0]])
    model = build(toy_cfg).eval()
    with torch.no_grad():
        torch.testing.assert_close(model(x, s), model(x, s), rtol=0, atol=0)
    ref = build(toy_cfg, dropout_at_inference=True).eval()  # reference: eval() is a no-op
    assert ref.dropout.training
    with torch.no_grad():
        assert not torch.allclose(ref(x, s), ref(x, s))
    assert not ref.backbone.layer1[0].bn1.training  # BN still frozen


def test_loss_and_predict(toy_cfg, repo_root):
    from mmengine.optim import build_optim_wrapper
    model = build(toy_cfg)
    model.train()
    x = torch.randn(2, 3, 64, 64)
    seg = torch.zeros(2, 64, 64, dtype=torch.long)
    seg[:, 16:48, 16:48] = 2
    seg[:, :8] = 255
    losses = model(x, samples([[0, 1, 0, 0], [0, 1, 0, 0]], seg), mode='loss')
    assert set(losses) == {'loss_pcl'} and torch.isfinite(losses['loss_pcl'])
    losses['loss_pcl'].backward()
    assert model.label_encs['layer4'].weight.grad.abs().sum() > 0
    assert model.backbone.layer1[0].bn2.weight.grad.abs().sum() > 0  # backbone trains
    assert model.backbone.conv1.weight.grad is None
    # The reference schedule (the VOC config; the toy config trains faster):
    # Adam: lr 5e-6 backbone, 1e-4 head and label encoder, wd 1e-4 (paramwise custom_keys).
    from wsss_plugins.datasets import load_config
    voc_cfg = load_config(osp.join(repo_root, 'configs', 'amn', 'amn_r50_voc.py'))
    wrapper = build_optim_wrapper(model, voc_cfg.optim_wrapper)
    lrs = {}
    names = {id(p): n for n, p in model.named_parameters()}
    for group in wrapper.optimizer.param_groups:
        for p in group['params']:
            lrs[names[id(p)]] = (group['lr'], group['weight_decay'])
    assert type(wrapper.optimizer).__name__ == 'Adam'
    assert lrs['backbone.layer4.0.conv1.weight'] == pytest.approx((5e-6, 1e-4))
    assert lrs['label_encs.layer4.weight'] == pytest.approx((1e-4, 1e-4))
    assert lrs['decode_head.convs.3.bias'] == pytest.approx((1e-4, 1e-4))
    model.eval()
    with torch.no_grad():
        out = model(x, samples([[0, 1, 0, 0], [1, 0, 0, 1]]), mode='predict')
    assert out[0].pred_sem_seg.data.shape == (1, 64, 64)
    assert set(out[0].pred_sem_seg.data.unique().tolist()) <= {0, 2}
    assert set(out[1].pred_sem_seg.data.unique().tolist()) <= {0, 1, 4}
