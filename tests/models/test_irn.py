"""IRN: pair/path indexing, affinity labels, the four-term loss on a hand-built label map,
the label downscale, and the model (frozen backbone, shapes, one learning step)."""
import math

import numpy as np
import pytest
import torch
from PIL import Image

from wsss_plugins.models.irn.affinity_displacement_loss import (AffinityDisplacementLoss,
                                                                affinity_labels)
from wsss_plugins.models.irn.irn import downscale_labels
from wsss_plugins.utils.path_index import PathIndex, search_paths


def test_search_paths_radius2_by_hand():
    groups = search_paths(2)
    # Length-2 paths (0,1) and (1,0); length-4 paths (1,-1) and (1,1), destination first,
    # then the stable order of IRN's sort by -(|y|+|x|).
    assert [g.tolist() for g in groups] == [
        [[[0, 1], [0, 0]], [[1, 0], [0, 0]]],
        [[[1, -1], [0, -1], [1, 0], [0, 0]], [[1, 1], [0, 1], [1, 0], [0, 0]]],
    ]
    assert PathIndex(2).offsets.tolist() == [[0, 1], [1, 0], [1, -1], [1, 1]]


@pytest.mark.parametrize('radius,count', [(5, 34), (10, 152)])
def test_offset_counts(radius, count):
    # Half disk dy > 0 or (dy == 0, dx > 0), dy² + dx² < r² (IRN: 34 at RW radius 5).
    assert len(PathIndex(radius).offsets) == count


# Hand-built batch: 2x3 maps, radius 2 -> one source pixel (0, 1), destinations
# (0,2) (1,0) (1,-1)->(1,0) (1,1)->(1,2) in offset order (0,1), (1,0), (1,-1), (1,1).
LABELS = torch.tensor([[[0, 0, 1], [0, 255, 1]],
                       [[1, 1, 2], [0, 1, 255]]])
EDGE = torch.tensor([[[.1, .2, .5], [.3, .4, .6]],
                     [[.2, .1, .3], [.7, .2, .9]]], dtype=torch.float64)


def test_affinity_labels_by_hand():
    bg_pos, fg_pos, neg = affinity_labels(LABELS, PathIndex(2))
    assert bg_pos[..., 0].tolist() == [[0, 0, 1, 0], [0, 0, 0, 0]]
    assert fg_pos[..., 0].tolist() == [[0, 0, 0, 0], [0, 1, 0, 0]]
    assert neg[..., 0].tolist() == [[1, 0, 0, 1], [1, 0, 1, 0]]


def test_affinity_is_one_minus_path_max():
    aff = PathIndex(2).to_affinity(EDGE)[..., 0]
    np.testing.assert_allclose(aff.numpy(), [[.5, .6, .6, .4], [.7, .8, .3, .1]], atol=1e-12)


def test_loss_terms_by_hand():
    disp = torch.zeros(2, 2, 2, 3, dtype=torch.float64)
    disp[0, :, 0, 1] = torch.tensor([1.0, 0.5])    # A: source
    disp[0, :, 1, 0] = torch.tensor([0.0, 2.0])    # A: bg-pos destination
    disp[1, :, 0, 1] = torch.tensor([0.5, -1.0])   # B: source
    disp[1, :, 1, 1] = torch.tensor([-0.25, -1.0])  # B: fg-pos destination, offset (1, 0)
    logits = torch.log(EDGE / (1 - EDGE))[:, None]
    losses = AffinityDisplacementLoss(radius=2)(logits, disp, LABELS)

    eps = 1e-5
    pos = (-math.log(.6 + eps) / (1 + eps)) / 2 + (-math.log(.8 + eps) / (1 + eps)) / 2
    neg = -sum(math.log(1 + eps - a) for a in (.5, .4, .7, .3)) / (4 + eps)
    dp_bg = (1.0 + 1.5) / (2 + eps)            # |δ_i - δ_j|₁ = |(1, -1.5)|₁
    dp_fg = (0.25 + 0.0) / (2 + eps)           # |(0.75, 0) - (1, 0)|₁
    assert losses['loss_aff_pos'].item() == pytest.approx(pos / 2, rel=1e-9)
    assert losses['loss_aff_neg'].item() == pytest.approx(neg / 2, rel=1e-9)
    assert losses['loss_dp_fg'].item() == pytest.approx(dp_fg / 2, rel=1e-9)
    assert losses['loss_dp_bg'].item() == pytest.approx(dp_bg / 2, rel=1e-9)
    total = (pos + neg) / 2 + (dp_fg + dp_bg) / 2
    assert sum(v.item() for v in losses.values()) == pytest.approx(total, rel=1e-9)


def test_downscale_labels_matches_pil_nearest():
    rng = np.random.default_rng(0)
    label = rng.integers(0, 6, size=(32, 24)).astype(np.uint8)
    pil = np.asarray(Image.fromarray(label).resize((6, 8), Image.NEAREST))
    ours = downscale_labels(torch.from_numpy(label)[None], (8, 6))[0].numpy()
    np.testing.assert_array_equal(ours, pil)
    np.testing.assert_array_equal(ours, label[2::4, 2::4])


def build_toy_irn(train_backbone=False):
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS
    init_default_scope('mmseg')
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='IRNet',
        data_preprocessor=dict(type='SegDataPreProcessor', mean=[123.675, 116.28, 103.53],
                               std=[58.395, 57.12, 57.375], bgr_to_rgb=True, pad_val=0,
                               seg_pad_val=255, size=(64, 64)),
        backbone=dict(type='ResNet', depth=18, base_channels=16, stem_channels=16,
                      strides=(1, 2, 2, 1), dilations=(1, 1, 1, 1), out_indices=(0, 1, 2, 3),
                      contract_dilation=False, norm_eval=not train_backbone,
                      frozen_stages=-1 if train_backbone else 4, init_cfg=None),
        in_channels=(16, 16, 32, 64, 128),
        loss=dict(type='AffinityDisplacementLoss', radius=5),
        test_cfg=dict(pad_size=(64, 64)), train_backbone=train_backbone))


@pytest.fixture
def toy_irn():
    return build_toy_irn()


def _batch(n=2, size=64):
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample
    gen = torch.Generator().manual_seed(0)
    samples = []
    for _ in range(n):
        label = torch.zeros(1, size, size, dtype=torch.long)
        label[:, 16:48, 8:40] = 1
        label[:, 12:20, :] = 255
        samples.append(SegDataSample(gt_sem_seg=PixelData(data=label)))
    inputs = torch.randn(n, 3, size, size, generator=gen)
    return inputs, samples


def test_irn_frozen_backbone_and_shapes(toy_irn):
    model = toy_irn.train()
    assert not any(p.requires_grad for p in model.backbone.parameters())
    assert not model.backbone.training and model.edge_branch.training
    inputs, samples = _batch()
    edge, disp = model(inputs)
    assert edge.shape == (2, 1, 16, 16) and disp.shape == (2, 2, 16, 16)
    losses = model(inputs, samples, mode='loss')
    sum(losses.values()).backward()
    assert all(p.grad is None for p in model.backbone.parameters())
    assert model.edge_branch.fuse.weight.grad.abs().sum() > 0
    assert model.displacement_branch.out[-1].weight.grad.abs().sum() > 0


def test_irn_train_backbone_flag_trains_the_backbone():
    """The toy deviation: ``train_backbone=True`` lets the loss reach the backbone."""
    model = build_toy_irn(train_backbone=True).train()
    assert model.backbone.training and all(p.requires_grad for p in model.backbone.parameters())
    inputs, samples = _batch()
    sum(model(inputs, samples, mode='loss').values()).backward()
    assert model.backbone.conv1.weight.grad.abs().sum() > 0
    assert model.backbone.layer4[0].conv1.weight.grad.abs().sum() > 0
    with torch.no_grad():  # inference still runs without building a graph
        edge, _ = model.eval()(inputs)
    assert not edge.requires_grad


def test_irn_learns_boundaries(toy_irn):
    """12 SGD steps on one batch lower the loss by >= 25% (measured: 1.67 -> 1.09)."""
    model = toy_irn.train()
    inputs, samples = _batch()
    optim = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.03,
                            momentum=0.9)
    history = []
    for _ in range(12):
        loss = sum(model(inputs, samples, mode='loss').values())
        history.append(loss.item())
        optim.zero_grad()
        loss.backward()
        optim.step()
    assert history[-1] < 0.75 * history[0]


def test_predict_edge_flip_and_padding(toy_irn):
    model = toy_irn.eval()
    img = torch.randn(1, 3, 50, 37)
    edge, disp = model.predict_edge(img)
    assert edge.shape == (13, 10) and disp.shape == (2, 13, 10)
    assert 0 <= edge.min() and edge.max() <= 1
    # IRN: the image and its flip are padded to pad_size, logits averaged, sigmoid.
    x = torch.nn.functional.pad(torch.cat([img, img.flip(-1)]), (0, 64 - 37, 0, 64 - 50))
    logits, _ = model(x)
    expected = torch.sigmoid(logits[0, 0, :13, :10] / 2 + logits[1, 0, :13, :10].flip(-1) / 2)
    torch.testing.assert_close(edge, expected)
    samples = model.predict(img)
    torch.testing.assert_close(samples[0].pred_edge.data[0], edge)
