"""AMN seed post-processing (make_amn_cam.py) on hand-built logits and a tiny model."""
import os.path as osp

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from wsss_plugins.datasets import load_config
from PIL import Image

from wsss_plugins.seeds.amn import amn_postprocess, conditional_min_max
from wsss_plugins.utils.image import resize_label_pil
from wsss_plugins.utils.seed_io import load_seed, save_seed, seed_to_label

# Softmax probabilities over bg + 3 classes at 4 pixels (a 2x2 map); logits = log(p).
P = np.array([[[0.7, 0.1], [0.4, 0.25]],    # bg
              [[0.1, 0.6], [0.2, 0.25]],    # class 0
              [[0.1, 0.2], [0.1, 0.25]],    # class 1 (absent from the image)
              [[0.1, 0.1], [0.3, 0.25]]])   # class 2


def test_softmax_restriction_and_conditional_min_max():
    logits = torch.log(torch.tensor(P, dtype=torch.float32)) + 3.0  # softmax is shift-free
    ir_label = np.array([[0, 1], [255, 3]], np.uint8)
    out = amn_postprocess(logits, torch.tensor([0, 2]), ir_label).numpy()
    assert out.shape == (3, 2, 2)  # [bg, class 0, class 2]
    # Pixel (0, 0) is IR background: raw probabilities (of all C+1 channels' softmax).
    np.testing.assert_allclose(out[:, 0, 0], [0.7, 0.1, 0.1], rtol=1e-5)
    # Elsewhere: (p - min) / (max - min + 1e-5) with min/max over the whole channel.
    for ch, src in enumerate([0, 1, 3]):
        p = P[src]
        norm = (p - p.min()) / (p.max() - p.min() + 1e-5)
        np.testing.assert_allclose(out[ch][[0, 1, 1], [1, 0, 1]], norm[[0, 1, 1], [1, 0, 1]],
                                   rtol=1e-4, atol=1e-6)
    # Hand values: class 0 spans 0.1..0.6, so pixel (0, 1) -> ~1, (1, 1) -> 0.15 / 0.5.
    assert out[1, 0, 1] == pytest.approx(1.0, abs=1e-4)
    assert out[1, 1, 1] == pytest.approx(0.3, abs=1e-4)
    assert out[2, 1, 0] == pytest.approx(1.0, abs=1e-4)  # class 2 max at (1, 0)


def test_constant_channel_and_no_foreground():
    probs = torch.full((2, 2, 3), 0.5)
    ir = np.array([[1, 0, 0], [0, 0, 2]], np.uint8)
    out = conditional_min_max(probs, ir)
    assert torch.all(out[:, ir != 0] == 0) and torch.all(out[:, ir == 0] == 0.5)
    # An image without class keeps only the background channel.
    out = amn_postprocess(torch.zeros(5, 2, 3), torch.zeros(0, dtype=torch.long), ir)
    assert out.shape == (1, 2, 3)


def test_ir_label_resize_is_pil_nearest():
    label = np.arange(35, dtype=np.uint8).reshape(5, 7)
    small = resize_label_pil(label, (2, 2))
    assert small.shape == (2, 2)
    # PIL NEAREST samples pixel centres: rows floor((i + .5) * 5 / 2) = 1, 3; cols 1, 5.
    np.testing.assert_array_equal(small, label[[1, 3]][:, [1, 5]])
    assert resize_label_pil(label, (5, 7)) is label


@pytest.fixture(scope='module')
def tiny_amn(repo_root):
    import wsss_plugins  # noqa: F401
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS
    init_default_scope('mmseg')
    cfg = load_config(osp.join(repo_root, 'configs/amn/amn_toy.py'))
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return model


def test_generator_end_to_end(tiny_amn, tmp_path):
    from wsss_plugins.registry import SEED_GENERATORS
    rng = np.random.default_rng(0)
    img = rng.integers(0, 255, (37, 45, 3), dtype=np.uint8)
    ir = np.zeros((37, 45), np.uint8)
    ir[10:30, 5:25] = 2
    ir[0:5] = 255
    Image.fromarray(ir).save(tmp_path / 'a.png')
    info = dict(img_path=str(tmp_path / 'JPEGImages' / 'a.jpg'))
    gen = SEED_GENERATORS.build(dict(type='AMN', model=tiny_amn, ir_label_dir=str(tmp_path),
                                     scales=(1.0, 0.5)))
    seed = gen(img, np.array([1, 3]), data_info=info)
    assert seed['cam'].shape == (3, 10, 12) and seed['high_res'].shape == (3, 37, 45)
    # Deterministic by default.
    again = gen(img, np.array([1, 3]), data_info=info)
    torch.testing.assert_close(seed['high_res'], again['high_res'], rtol=0, atol=0)

    # Oracle for scales=(1.0,): softmax of the flip-averaged logits, bilinear to H x W.
    gen1 = SEED_GENERATORS.build(dict(type='AMN', model=tiny_amn, ir_label_dir=str(tmp_path),
                                      scales=(1.0, )))
    out = gen1(img, np.array([1, 3]), data_info=info)['high_res'].numpy()
    from wsss_plugins.seeds.msf import flip_pair
    labels = torch.tensor([[0., 1., 0., 1.]] * 2)
    with torch.no_grad():
        logit = tiny_amn.logits(flip_pair(img, 1.0), labels)
    logit = (logit[0] + logit[1].flip(-1)) / 2
    prob = F.softmax(F.interpolate(logit[None], (37, 45), mode='bilinear',
                                   align_corners=False)[0], 0)[[0, 2, 4]].numpy()
    bg = ir == 0
    np.testing.assert_allclose(out[:, bg], prob[:, bg], rtol=1e-4, atol=1e-6)
    norm = (prob - prob.min((1, 2), keepdims=True)) / (
        prob.max((1, 2), keepdims=True) - prob.min((1, 2), keepdims=True) + 1e-5)
    np.testing.assert_allclose(out[:, ~bg], norm[:, ~bg], rtol=1e-3, atol=1e-5)

    # Common format with the leading background channel; consumers drop it.
    path = str(tmp_path / 'seed.npy')
    save_seed(path, seed['keys'], seed['cam'], seed['high_res'])
    loaded = load_seed(path)
    assert loaded['has_bg'] and loaded['keys'].tolist() == [1, 3]
    label = seed_to_label(loaded, 0.25)
    fg = loaded['high_res'][1:]
    expected = np.where(fg.max(0) > 0.25, np.array([2, 4])[fg.argmax(0)], 0)
    np.testing.assert_array_equal(label, expected)


def test_generator_reference_dropout_and_errors(tiny_amn, tmp_path):
    from wsss_plugins.registry import SEED_GENERATORS
    img = np.random.default_rng(1).integers(0, 255, (33, 33, 3), dtype=np.uint8)
    Image.fromarray(np.ones((33, 33), np.uint8)).save(tmp_path / 'b.png')
    info = dict(img_path='x/b.jpg')
    gen = SEED_GENERATORS.build(dict(type='AMN', model=tiny_amn, ir_label_dir=str(tmp_path),
                                     scales=(1.0, ), dropout_at_inference=True))
    a = gen(img, [0], data_info=info)['high_res']
    b = gen(img, [0], data_info=info)['high_res']
    assert not torch.allclose(a, b)  # the reference's always-on dropout
    tiny_amn.dropout_at_inference = False
    tiny_amn.eval()
    with pytest.raises(FileNotFoundError, match='missing.png'):
        gen(img, [0], data_info=dict(img_path='x/missing.jpg'))
    with pytest.raises(FileNotFoundError, match='IR label directory'):
        SEED_GENERATORS.build(dict(type='AMN', model=tiny_amn,
                                   ir_label_dir=str(tmp_path / 'nope')))
