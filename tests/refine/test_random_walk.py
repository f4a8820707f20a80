"""Random walk: affinities by hand, the transition matrix, dense (IRN) == sparse, the
label read-out (global max, bg threshold, keys), presets."""
import numpy as np
import pytest
import torch

from wsss_plugins.refine.random_walk import (edge_to_pairs, propagate,
                                             random_walk_label, rw_to_label)

EDGE_2x2 = torch.tensor([[.1, .2], [.3, .4]], dtype=torch.float64)
# pixels 0 (0,0), 1 (0,1), 2 (1,0), 3 (1,1); radius 2 pairs every pixel with every other:
# affinity = 1 - max edge over the pair's path (the path of a diagonal pair covers all 4).
AFFINITY_2x2 = {(0, 1): .8, (2, 3): .6, (0, 2): .7, (1, 3): .6, (1, 2): .6, (0, 3): .6}


def test_edge_to_pairs_by_hand():
    src, dst, aff = edge_to_pairs(EDGE_2x2, radius=2)
    pairs = {tuple(sorted((s, d))): a for s, d, a in zip(src.tolist(), dst.tolist(), aff.tolist())}
    assert pairs.keys() == AFFINITY_2x2.keys()
    for key, value in AFFINITY_2x2.items():
        assert pairs[key] == pytest.approx(value, abs=1e-12)


def test_padding_never_enters_real_pairs():
    # IRN pads with 1 (left/right/bottom): a real pair's path stays inside the image, so
    # the affinity between the two border pixels is 1 - their own max, not 0.
    edge = torch.zeros(3, 3, dtype=torch.float64)
    src, dst, aff = edge_to_pairs(edge, radius=5)
    assert torch.all(aff == 1) and len(src) == 9 * 8 // 2  # every pair within radius 5


@pytest.mark.parametrize('method', ['dense', 'sparse'])
def test_one_step_is_colnorm_of_a_to_the_beta(method):
    x = torch.tensor([[[1., 0.], [0., 0.]], [[0., 0.], [0., 2.]]], dtype=torch.float64)
    a = np.eye(4)
    for (i, j), v in AFFINITY_2x2.items():
        a[i, j] = a[j, i] = v
    t = a ** 3 / (a ** 3).sum(0, keepdims=True)
    expected = (x.numpy().reshape(2, 4) * (1 - EDGE_2x2.numpy().reshape(4))) @ t
    rw = propagate(x, EDGE_2x2, radius=2, beta=3, exp_times=0, method=method)
    np.testing.assert_allclose(rw.numpy().reshape(2, 4), expected, rtol=1e-12)
    # two squarings = four steps
    rw = propagate(x, EDGE_2x2, radius=2, beta=3, exp_times=2, method=method)
    np.testing.assert_allclose(rw.numpy().reshape(2, 4),
                               expected @ np.linalg.matrix_power(t, 3), rtol=1e-12)


@pytest.mark.parametrize('size', [(9, 7), (16, 21), (24, 18)])
def test_sparse_equals_dense(size):
    gen = torch.Generator().manual_seed(sum(size))
    edge = torch.rand(size, generator=gen) ** 3
    edge[size[0] // 2] = 0.95  # a boundary across the image
    cams = torch.rand((3,) + size, generator=gen)
    # float64: equal up to the rounding of 8 squarings vs 256 products
    dense = propagate(cams.double(), edge.double(), method='dense')
    sparse = propagate(cams.double(), edge.double(), method='sparse')
    torch.testing.assert_close(sparse, dense, rtol=1e-9, atol=1e-12)
    # float32 (what the tools run): within 1e-4 of the peak value
    dense32 = propagate(cams, edge, method='dense')
    sparse32 = propagate(cams, edge, method='sparse')
    assert (sparse32 - dense32).abs().max() < 1e-4 * dense32.abs().max()
    # and the pseudo labels agree
    keys = np.array([0, 5, 9])
    np.testing.assert_array_equal(rw_to_label(sparse, keys, (4 * size[0] - 2, 4 * size[1])),
                                  rw_to_label(dense, keys, (4 * size[0] - 2, 4 * size[1])))


def test_rw_to_label_global_max_threshold_keys():
    rw = torch.zeros(2, 2, 2)
    rw[0, 0, 0] = 4.0   # class key 1 -> label 2, top-left
    rw[1, 1, 1] = 2.0   # class key 3 -> label 4: 0.5 of the global max, still > 0.25
    label = rw_to_label(rw, np.array([1, 3]), (7, 6), bg_threshold=0.25)
    assert label.shape == (7, 6) and label.dtype == np.uint8
    assert label[0, 0] == 2 and label[6, 5] == 4 and label[0, 5] == 0
    # at 0.6 class 3 (max 0.5 after the global normalisation) vanishes
    label = rw_to_label(rw, np.array([1, 3]), (7, 6), bg_threshold=0.6)
    assert set(np.unique(label)) == {0, 2}


def test_random_walk_label_power_and_bg_channel():
    gen = torch.Generator().manual_seed(0)
    edge = torch.rand(6, 5, generator=gen)
    cam = torch.rand(2, 6, 5, generator=gen).numpy()
    seed = dict(keys=np.array([2, 7]), cam=cam, has_bg=False)
    amn_seed = dict(keys=np.array([2, 7]), cam=np.concatenate([np.ones_like(cam[:1]), cam]),
                    has_bg=True)
    powered = dict(seed, cam=cam ** 1.3)
    kwargs = dict(img_size=(22, 20), method='sparse', exp_times=3)
    np.testing.assert_array_equal(random_walk_label(amn_seed, edge, cam_power=1.3, **kwargs),
                                  random_walk_label(powered, edge, **kwargs))
    empty = dict(keys=np.zeros(0, np.int64), cam=np.zeros((0, 6, 5), np.float32), has_bg=False)
    assert not random_walk_label(empty, edge, **kwargs).any()


def test_size_mismatch_is_reported():
    with pytest.raises(ValueError, match='stride 4'):
        propagate(torch.rand(1, 5, 5), torch.rand(5, 6))


def test_the_walk_runs_where_it_is_told_and_returns_on_the_cpu():
    """``device`` moves the walk (IRN's device in the label passes; a GPU there); the
    scores come back on the CPU whatever the device, in the seed's dtype."""
    from wsss_plugins.refine.random_walk import random_walk_scores
    gen = torch.Generator().manual_seed(3)
    seed = dict(cam=torch.rand(2, 9, 11, generator=gen).numpy(), keys=np.array([1, 4]),
                has_bg=False)
    edge = torch.rand(9, 11, generator=gen)
    here = random_walk_scores(seed, edge, (34, 41))
    there = random_walk_scores(seed, edge, (34, 41), device=torch.device('cpu'))
    assert there.device.type == 'cpu' and there.dtype == torch.float32
    assert torch.equal(here, there)
    np.testing.assert_array_equal(
        random_walk_label(seed, edge, (34, 41), device='cpu'),
        random_walk_label(seed, edge, (34, 41)))
