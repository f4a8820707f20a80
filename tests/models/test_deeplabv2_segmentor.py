"""MSCEncoderDecoder: deeplab-pytorch MSC training, max-fused multi-scale + flip testing,
dense-CRF post-processing; the DeepLab-v2 configs and their optimiser groups."""
import os.path as osp

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.config import ConfigDict

from wsss_plugins.datasets import load_config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample
from PIL import Image

import wsss_plugins  # noqa: F401
from mmseg.registry import MODELS
from wsss_plugins.models.segmentors.msc_encoder_decoder import (deeplab_pytorch_crf_image,
                                                                resize_labels)

CONFIGS = osp.join(osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))),
                   'configs', 'deeplabv2')


def load_model_cfg(name='deeplabv2_toy.py'):
    cfg = load_config(osp.join(CONFIGS, name))
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    return cfg


def build_tiny(init_weights=True, **test_cfg):
    """The toy config's model at width 8 (fast)."""
    cfg = load_model_cfg()
    cfg.model.backbone.update(base_channels=8, stem_channels=8)
    cfg.model.decode_head.in_channels = 64
    cfg.model.test_cfg.update(test_cfg)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    if init_weights:
        model.init_weights()
    return model


def samples_with_labels(labels):
    out = []
    for label in labels:
        sample = SegDataSample()
        sample.gt_sem_seg = PixelData(data=label)
        out.append(sample)
    return out


def pil_nearest(labels, size):
    """deeplab-pytorch main.py resize_labels: PIL NEAREST on the float label map."""
    h, w = size
    return torch.stack([
        torch.from_numpy(np.asarray(
            Image.fromarray(label[0].float().numpy()).resize((w, h), resample=Image.NEAREST)
        ).astype(np.int64)) for label in labels])


@pytest.mark.parametrize('src, dst', [((321, 321), (41, 41)), ((321, 321), (31, 31)),
                                      ((321, 321), (21, 21)), ((57, 40), (8, 6))])
def test_label_resize_is_pil_nearest(src, dst):
    labels = torch.randint(0, 256, (2, 1, *src))
    resized = resize_labels(samples_with_labels(labels), dst)
    got = torch.stack([s.gt_sem_seg.data[0] for s in resized])
    assert torch.equal(got, pil_nearest(labels, dst))


def test_msc_loss_terms_equal_deeplab_pytorch():
    """4 terms (1x, 0.75x, 0.5x, max), each CE(ignore 255, mean over valid pixels) of its
    logits against the labels PIL-nearest-resized to the logit size, as main.py computes."""
    model = build_tiny().eval()
    torch.manual_seed(1)
    inputs = torch.randn(2, 3, 41, 41)
    labels = torch.randint(0, 5, (2, 1, 41, 41))
    labels[:, :, :5] = 255
    losses = model.loss(inputs, samples_with_labels(labels))
    assert sorted(k for k in losses if 'loss' in k) == [
        'decode_0.5x.loss_ce', 'decode_0.75x.loss_ce', 'decode_1x.loss_ce',
        'decode_max.loss_ce']

    with torch.no_grad():
        base = lambda x: model.decode_head(model.extract_feat(x))  # noqa: E731
        l100 = base(inputs)
        l075 = base(F.interpolate(inputs, scale_factor=0.75, mode='bilinear',
                                  align_corners=False))
        l050 = base(F.interpolate(inputs, scale_factor=0.5, mode='bilinear',
                                  align_corners=False))
        up = lambda t: F.interpolate(t, size=l100.shape[2:], mode='bilinear',  # noqa: E731
                                     align_corners=False)
        lmax = torch.max(torch.stack([l100, up(l075), up(l050)]), dim=0)[0]
    assert l100.shape[2:] == (6, 6) and l075.shape[2:] == (4, 4) and l050.shape[2:] == (3, 3)
    for key, logits in (('1x', l100), ('0.75x', l075), ('0.5x', l050), ('max', lmax)):
        expected = F.cross_entropy(logits, pil_nearest(labels, logits.shape[2:]),
                                   ignore_index=255)
        torch.testing.assert_close(losses[f'decode_{key}.loss_ce'], expected)


def test_every_parameter_gets_a_gradient():
    """No unused parameter anywhere in the model (DDP would fail otherwise). PyTorch's
    default init (mmseg's zero-init of the last BN of each residual block would zero the
    gradients inside the block at step 0)."""
    model = build_tiny(init_weights=False).train()
    losses = model.loss(torch.randn(2, 3, 33, 33),
                        samples_with_labels(torch.randint(0, 5, (2, 1, 33, 33))))
    sum(v for k, v in losses.items() if 'loss' in k).backward()
    for name, p in model.named_parameters():
        if p.requires_grad:
            assert p.grad is not None and p.grad.abs().sum() > 0, name


def predict(model, inputs, img_path=None):
    sample = SegDataSample(metainfo=dict(
        ori_shape=inputs.shape[2:], img_shape=inputs.shape[2:], pad_shape=inputs.shape[2:],
        img_path=img_path))
    return model.predict(inputs, [sample])[0]


def test_max_fusion_over_scales_and_flips_hand_built():
    """Eight views (4 scales x flip) of a 16x16 image; all say 'background' (logit 1 vs 0)
    except the flipped 1x view, which says class 1 with logit 5. The pixel-wise max of
    logits picks class 1 everywhere; mmseg's softmax averaging would pick background
    (mean p1 = (7 * 0.269 + 0.982) / 8 = 0.36)."""
    model = build_tiny(scales=(0.5, 0.75, 1.0, 1.25), flip=True)
    model.test_cfg = ConfigDict(mode='whole')
    sizes = []

    def stub(x):
        sizes.append(tuple(x.shape[2:]))
        logits = torch.zeros(x.shape[0], 2, (x.shape[2] + 1) // 2, (x.shape[3] + 1) // 2)
        logits[:, 0] = 1.0
        if x.shape[3] == 16 and x[0, 0, 0, 0] > 0.5:  # only the flipped 1x view
            logits[:, 1] = 5.0
        return logits

    model._logits = stub
    inputs = torch.zeros(1, 3, 16, 16)
    inputs[..., 8:] = 1.0  # the left column is 0 unflipped, 1 flipped
    out = predict(model, inputs)
    assert sizes == [(8, 8)] * 2 + [(12, 12)] * 2 + [(16, 16)] * 2 + [(20, 20)] * 2
    assert torch.all(out.pred_sem_seg.data == 1)
    torch.testing.assert_close(out.seg_logits.data,
                               torch.tensor([1.0, 5.0])[:, None, None].expand(2, 16, 16))
    model.test_flip = False
    assert torch.all(predict(model, inputs).pred_sem_seg.data == 0)


def test_max_fusion_on_the_1x_logit_grid_hand_built():
    """Identity 'network', scales (1, 0.5): the 0.5x view of 2x2-constant blocks is the
    block means B (exact for bilinear at 0.5); upsampled to 4x4 it is W B W^T with the
    align_corners=False weights W; the fused map is max(x, W B W^T)."""
    model = build_tiny(scales=(1.0, 0.5), flip=False)
    model.test_cfg = ConfigDict(mode='whole')
    model._logits = lambda x: x
    x = torch.tensor([[0., 0, 4, 4], [0, 0, 4, 4], [8, 8, 0, 0], [8, 8, 0, 0]])
    block_means = torch.tensor([[0., 4], [8, 0]])
    w = torch.tensor([[1.0, 0], [0.75, 0.25], [0.25, 0.75], [0, 1.0]])
    expected = torch.maximum(x, w @ block_means @ w.T)
    inputs = torch.stack([x, x.T])[None]  # 2 channels = 2 'classes'
    views, fused = model.multi_scale_logits(inputs, model.test_scales)
    assert [tuple(v.shape[2:]) for v in views] == [(4, 4), (2, 2)]
    torch.testing.assert_close(fused[0, 0], expected)
    torch.testing.assert_close(fused[0, 1], expected.T)
    torch.testing.assert_close(predict(model, inputs).seg_logits.data, fused[0])


def test_crf_changes_labels_only_at_image_edges(tmp_path):
    """Dark left half (columns < 24), bright right half. The prediction puts the boundary
    at column 20 with a margin growing 0.5 per column away from it. The CRF
    (deeplab-pytorch parameters) moves the boundary onto the image edge; pixels in the flat
    areas away from the edge keep their labels."""
    img = np.full((48, 48, 3), 20, np.uint8)
    img[:, 24:] = 220
    path = str(tmp_path / 'img.png')
    Image.fromarray(img).save(path)
    columns = torch.arange(48, dtype=torch.float32).expand(48, 48)
    margin = 0.5 * (columns - 19.5)
    seg_logits = torch.stack([-margin / 2, margin / 2])[None]
    model = build_tiny(crf=True)
    sample = SegDataSample(metainfo=dict(ori_shape=(48, 48), img_shape=(48, 48),
                                         img_path=path))
    before = seg_logits[0].argmax(0)
    after = model.postprocess_result(seg_logits, [sample])[0].pred_sem_seg.data[0]
    changed = (after != before).nonzero()[:, 1].unique()
    assert changed.tolist() == [20, 21, 22, 23]
    assert torch.equal(after, (columns >= 24).long())


def test_crf_needs_the_image():
    model = build_tiny(crf=True)
    with pytest.raises(ValueError, match='img_path'):
        model.postprocess_result(torch.zeros(1, 2, 4, 4),
                                 [SegDataSample(metainfo=dict(ori_shape=(4, 4)))])


def test_deeplab_pytorch_crf_image_wraps_like_the_reference():
    """RGB (0, 116, 200) -> BGR - mean = (95.992, -0.669, -122.675) -> trunc -> mod 256."""
    img = np.array([[[0, 116, 200]]], np.uint8)
    assert deeplab_pytorch_crf_image(img).tolist() == [[[95, 0, 134]]]


def test_bad_test_cfg():
    with pytest.raises(ValueError, match='1.0'):
        build_tiny(scales=(0.5, 0.75))
    with pytest.raises(ValueError, match='crf_image'):
        build_tiny(crf_image='bgr')


def test_r101_config_architecture():
    """Output stride 8 with the caffe ceil-mode pool (64 -> 32 -> 17 -> 9), 21 classes, BN
    frozen, and the deeplab-pytorch lr groups: backbone convs 1x (wd 5e-4), ASPP weights
    10x (wd 5e-4), ASPP biases 20x (wd 0)."""
    cfg = load_model_cfg('deeplabv2_r101_voc_pseudo.py')
    cfg.model.backbone.init_cfg = None
    model = MODELS.build(cfg.model)
    assert cfg.model.decode_head.loss_decode.type == 'BalancedCrossEntropyLoss'
    assert cfg.train_dataloader.dataset.data_prefix.seg_map_path == 'pseudo_labels'
    model.eval()
    with torch.no_grad():
        assert model._forward(torch.zeros(1, 3, 64, 64)).shape == (1, 21, 9, 9)
    assert len(model.backbone.layer3) == 23
    assert not any(p.requires_grad for n, p in model.backbone.named_parameters() if 'bn' in n)

    optim = build_optim_wrapper(model, cfg.optim_wrapper)
    groups = {id(p): g for g in optim.optimizer.param_groups for p in g['params']}
    params = dict(model.named_parameters())
    trainable = {n for n, p in params.items() if p.requires_grad}
    assert {n for n, p in params.items() if id(p) in groups} == trainable
    for name in trainable:
        g = groups[id(params[name])]
        if name.startswith('decode_head') and name.endswith('bias'):
            assert (g['lr'], g['weight_decay']) == (pytest.approx(5e-3), 0.0), name
        elif name.startswith('decode_head'):
            assert (g['lr'], g['weight_decay']) == (pytest.approx(2.5e-3), 5e-4), name
        else:
            assert 'downsample.1' not in name and 'bn' not in name
            assert (g['lr'], g['weight_decay']) == (2.5e-4, 5e-4), name


@pytest.mark.parametrize('name, crop, batch, classes, labels, loss', [
    ('deeplabv2_r101_voc_gt.py', 321, 10, 21, 'SegmentationClassAug', 'CrossEntropyLoss'),
    ('deeplabv2_r101_voc_pseudo.py', 321, 10, 21, 'pseudo_labels',
     'BalancedCrossEntropyLoss'),
    ('deeplabv2_r101_coco14_gt.py', 481, 20, 81, 'SegmentationClass/train2014',
     'CrossEntropyLoss'),
    ('deeplabv2_r101_coco14_pseudo.py', 481, 20, 81, 'pseudo_labels',
     'BalancedCrossEntropyLoss'),
    ('deeplabv2_toy.py', 128, 8, 5, 'SegmentationClass', 'CrossEntropyLoss'),
    ('deeplabv2_toy_pseudo.py', 128, 8, 5, 'pseudo_labels', 'BalancedCrossEntropyLoss'),
])
def test_configs(name, crop, batch, classes, labels, loss):
    cfg = load_model_cfg(name)
    assert cfg.model.data_preprocessor.size == (crop, crop)
    assert cfg.train_dataloader.batch_size == batch
    assert cfg.model.decode_head.num_classes == classes
    assert cfg.train_dataloader.dataset.data_prefix.seg_map_path == labels
    assert cfg.model.decode_head.loss_decode.type == loss
    # GT validation at native resolution: no Resize anywhere in the test pipeline
    assert [t.type for t in cfg.test_dataloader.dataset.pipeline] == [
        'LoadCheckedImage', 'LoadCheckedAnnotations', 'PackWSSSInputs']
    assert cfg.model.test_cfg.scales == (0.5, 0.75, 1.0, 1.25) and cfg.model.test_cfg.flip
    if 'r101' in name:
        assert cfg.train_cfg.max_iters == 30000 and cfg.param_scheduler[0].end == 30000
        assert cfg.optim_wrapper.optimizer.lr == 2.5e-4
        assert cfg.model.backbone.init_cfg.checkpoint.endswith('.pth')
