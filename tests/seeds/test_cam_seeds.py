"""CAM seeds (IRN make_cam): flip-summed ReLU class maps, summed over scales, per-class max."""
import numpy as np
import torch
import torch.nn.functional as F
from test_advcam import TinyCAMNet

from wsss_plugins.registry import SEED_GENERATORS
from wsss_plugins.seeds.cam import CAMSeedGenerator
from wsss_plugins.seeds.msf import flip_pair


def test_registered_names():
    assert SEED_GENERATORS.get('CAM') is CAMSeedGenerator
    assert SEED_GENERATORS.get('AdvCAM').__name__ == 'AdvCAMSeedGenerator'


def raw_maps(model, img, scale, keys, size):
    """Flip-summed relu(Z) of ``keys`` at one scale, resized to ``size`` (no crop)."""
    with torch.no_grad():
        z = F.relu(model.class_maps(model.features(flip_pair(img, scale))))
    m = (z[0] + z[1].flip(-1))[keys]
    return F.interpolate(m[:, None], size, mode='bilinear', align_corners=False)[:, 0]


def test_single_scale_cam_by_hand():
    model = TinyCAMNet(num_classes=3)
    img = np.random.default_rng(0).integers(0, 256, (13, 22, 3), dtype=np.uint8)
    seed = CAMSeedGenerator(model, scales=(1.0,))(img, [2, 0])
    up = raw_maps(model, img, 1.0, [2, 0], (16, 32))[:, :13, :22]
    low = raw_maps(model, img, 1.0, [2, 0], (4, 6))
    assert seed['keys'].tolist() == [2, 0]
    assert seed['cam'].shape == (2, 4, 6) and seed['high_res'].shape == (2, 13, 22)
    assert torch.allclose(seed['high_res'], up / (up.amax((1, 2), keepdim=True) + 1e-5), atol=1e-6)
    assert torch.allclose(seed['cam'], low / (low.amax((1, 2), keepdim=True) + 1e-5), atol=1e-6)


def test_multi_scale_sums_before_normalising():
    model = TinyCAMNet(num_classes=2)
    img = np.random.default_rng(1).integers(0, 256, (20, 16, 3), dtype=np.uint8)
    seed = CAMSeedGenerator(model, scales=(1.0, 2.0))(img, [1])
    total = sum(raw_maps(model, img, s, [1], (32, 16)) for s in (1.0, 2.0))[:, :20]
    assert torch.allclose(seed['high_res'], total / (total.amax() + 1e-5), atol=1e-6)
    assert seed['high_res'].max() > 0.999


def test_no_classes_gives_empty_maps():
    seed = CAMSeedGenerator(TinyCAMNet())(np.zeros((9, 10, 3), np.uint8), [])
    assert seed['cam'].shape == (0, 3, 3) and seed['high_res'].shape == (0, 9, 10)
