"""CAMClassifier and the IRN training recipe of configs/cam (methods.md §0)."""
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from wsss_plugins.datasets import load_config
from mmengine.registry import init_default_scope
from mmseg.structures import SegDataSample

import wsss_plugins  # noqa: F401


def build(cfg):
    from mmseg.registry import MODELS
    init_default_scope('mmseg')
    return MODELS.build(cfg)


def tiny_cfg():
    return dict(type='CAMClassifier', num_classes=3,
                backbone=dict(type='ResNet', depth=18, base_channels=8, stem_channels=8,
                              strides=(1, 2, 2, 1), out_indices=(3, )))


def samples(labels):
    out = []
    for lab in labels:
        s = SegDataSample()
        s.set_metainfo(dict(img_labels=torch.tensor(lab, dtype=torch.float32).numpy()))
        out.append(s)
    return out


def test_logits_loss_and_maps():
    torch.manual_seed(0)
    model = build(tiny_cfg()).eval()
    assert model.classifier.bias is None and model.classifier.in_channels == 64  # feat_dim
    x = torch.randn(2, 3, 48, 64)
    logits = model(x, mode='tensor')
    maps = model.class_maps(model.features(x))
    assert maps.shape == (2, 3, 3, 4)  # output stride 16
    # GAP and the 1x1 classifier commute: logits = mean of the raw class maps.
    assert torch.allclose(logits, maps.mean((2, 3)), atol=1e-6)
    assert torch.equal(model.cam(x), F.relu(maps))

    labels = [[1, 0, 1], [0, 1, 0]]
    loss = model(x, samples(labels), mode='loss')['loss_cls']
    expected = torch.stack([
        -(y * F.logsigmoid(z) + (1 - y) * F.logsigmoid(-z)).mean()
        for z, y in zip(logits, torch.tensor(labels, dtype=torch.float32))]).mean()
    assert loss.item() == pytest.approx(expected.item(), rel=1e-6)

    out = model(x, samples(labels), mode='predict')
    assert torch.allclose(out[1].pred_img_scores, torch.sigmoid(logits[1]))
    with pytest.raises(ValueError, match='invalid mode'):
        model(x, mode='bogus')


def test_irn_recipe_in_the_r50_config(repo_root):
    from mmengine.optim import build_optim_wrapper
    cfg = load_config(osp.join(repo_root, 'configs/cam/cam_r50_voc.py'))
    assert cfg.train_cfg.max_epochs == 5 and cfg.train_dataloader.batch_size == 16
    assert cfg.model.data_preprocessor.size == (512, 512)
    assert cfg.model.backbone.init_cfg.checkpoint.startswith('https://download.pytorch.org/')
    model = build(cfg.model)
    model.train()
    # IRN: stage1-2 (conv1, bn1, layer1, layer2) frozen, BN on running statistics.
    frozen = {n.split('.')[1] for n, p in model.named_parameters() if not p.requires_grad}
    assert frozen == {'conv1', 'bn1', 'layer1', 'layer2'}
    assert not model.backbone.layer4[0].bn1.training

    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    groups = {id(p): g for g in wrapper.optimizer.param_groups for p in g['params']}
    assert groups[id(model.classifier.weight)]['lr'] == pytest.approx(1.0)
    assert groups[id(model.backbone.layer3[0].conv1.weight)]['lr'] == pytest.approx(0.1)
    assert {g['weight_decay'] for g in wrapper.optimizer.param_groups} == {1e-4}
    # The PolyOptimizer quirk: momentum 1e-4 (IRN's weight decay in SGD's momentum slot).
    assert {g['momentum'] for g in wrapper.optimizer.param_groups} == {1e-4}

    # Poly decay per iteration. mmengine's PolyLR reaches 0 at the last iteration:
    # lr_t = lr_0 (1 - t / (T - 1)) ** 0.9; IRN's PolyOptimizer uses (1 - t / T) ** 0.9
    # (a one-step shift, a documented deviation).
    from mmengine.optim import PolyLR
    sched = cfg.param_scheduler[0]
    assert (sched.type, sched.power, sched.eta_min, sched.by_epoch) == ('PolyLR', 0.9, 0., True)
    poly = PolyLR(wrapper, power=0.9, eta_min=0., begin=0, end=10, by_epoch=False)
    lrs = []
    for _ in range(10):
        lrs.append(wrapper.optimizer.param_groups[-1]['lr'])
        wrapper.optimizer.step()
        poly.step()
    head = groups[id(model.classifier.weight)]
    assert head['lr'] == pytest.approx(0.0, abs=1e-12)
    assert lrs == pytest.approx([lrs[0] * (1 - t / 9) ** 0.9 for t in range(10)], rel=1e-6)


def test_variant_configs(repo_root):
    r101 = load_config(osp.join(repo_root, 'configs/cam/cam_r101_voc.py'))
    assert r101.model.backbone.depth == 101 and r101.model.backbone.frozen_stages == 2
    assert 'resnet101' in r101.model.backbone.init_cfg.checkpoint
    coco = load_config(osp.join(repo_root, 'configs/cam/cam_r50_coco14.py'))
    assert coco.model.num_classes == 80 and coco.train_dataloader.dataset.type == 'COCO14Dataset'
