"""The IRN multi-scale input and merge (methods.md §0), pinned to hand-computed values."""
import numpy as np
import pytest
import torch

from wsss_plugins.seeds.msf import (flip_pair, merge_scales, multi_scale_maps, normalize,
                                    rescale, strided_size, strided_up_size)


def test_strided_sizes_match_irn():
    # (h-1)//4+1: 375 -> 94, 500 -> 125; up size at stride 16: ceil(h/16)*16.
    assert strided_size((375, 500), 4) == (94, 125)
    assert strided_size((8, 9), 4) == (2, 3)
    assert strided_up_size((375, 500), 16) == (384, 512)
    assert strided_up_size((16, 17), 16) == (16, 32)


def test_rescale_rounds_half_to_even_with_pillow_bicubic():
    img = np.zeros((5, 7, 3), np.uint8)
    assert rescale(img, 0.5).shape == (2, 4, 3)  # round(2.5)=2, round(3.5)=4 (numpy)
    assert rescale(img, 1.5).shape == (8, 10, 3)  # 7.5 -> 8, 10.5 -> 10
    assert rescale(img, 1.0) is img
    # Constant images stay constant under bicubic resampling.
    img = np.full((6, 6, 3), 77, np.uint8)
    assert (rescale(img, 2.0) == 77).all()


def test_normalize_is_imagenet_float64_then_float32():
    img = np.array([[[255, 0, 128]]], np.uint8)
    out = normalize(img)
    assert out.shape == (3, 1, 1) and out.dtype == np.float32
    expected = [(1 - 0.485) / 0.229, (0 - 0.456) / 0.224, (128 / 255. - 0.406) / 0.225]
    assert out[:, 0, 0].tolist() == [np.float32(v) for v in expected]


def test_flip_pair_is_image_and_mirror():
    img = np.random.default_rng(0).integers(0, 256, (6, 9, 3), dtype=np.uint8)
    pair = flip_pair(img, 1.0)
    assert pair.shape == (2, 3, 6, 9)
    assert torch.equal(pair[1], pair[0].flip(-1))
    assert flip_pair(img, 0.5).shape == (2, 3, 3, 4)  # round(4.5) = 4


def test_merge_sums_scales_and_normalises_each_class_by_its_max():
    size = (5, 6)  # stride-4: 2x2; up size: 16x16 cropped to 5x6
    maps = [torch.full((2, 2, 2), 1.0), torch.full((2, 1, 1), 3.0)]
    maps[0][1] = 0.5
    cam, high_res = merge_scales(maps, size)
    assert cam.shape == (2, 2, 2) and high_res.shape == (2, 5, 6)
    # class 0: 1 + 3 = 4 everywhere -> 4 / (4 + 1e-5); class 1: 0.5 + 3 = 3.5 -> same form.
    assert torch.allclose(cam[0], torch.tensor(4 / (4 + 1e-5)))
    assert torch.allclose(high_res[1], torch.tensor(3.5 / (3.5 + 1e-5)))


def test_merge_crops_the_stride16_map_and_resizes_bilinearly():
    # One scale, one class: a 1x2 map [0, 1] → bilinear to 16x16 (align_corners=False).
    m = torch.tensor([[[0.0, 1.0]]])
    _, high_res = merge_scales([m], (3, 10))
    row = high_res[0, 0]
    # Output column j samples x = (j + 0.5) / 8 - 0.5, clamped to [0, 1]; the crop keeps
    # columns 0..9, whose max (0.6875) normalises.
    xs = np.clip((np.arange(10) + 0.5) / 8 - 0.5, 0, 1)
    assert np.allclose(row.numpy(), xs / (0.6875 + 1e-5), atol=1e-6)


def test_multi_scale_maps_calls_fn_per_scale_in_order():
    img = np.zeros((8, 12, 3), np.uint8)
    seen = []

    def fn(pairs, scale):
        seen.append((scale, tuple(pairs.shape)))
        return [torch.ones(1, 2, 3)]

    [(cam, high_res)] = multi_scale_maps([img], (0.5, 1.0, 2.0), fn)
    assert seen == [(0.5, (2, 3, 4, 6)), (1.0, (2, 3, 8, 12)), (2.0, (2, 3, 16, 24))]
    assert cam.shape == (1, 2, 3) and high_res.shape == (1, 8, 12)
    assert high_res.max().item() == pytest.approx(3 / (3 + 1e-5))
