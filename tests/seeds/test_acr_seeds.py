"""ACR seeds against the official ``Exp.infer`` recipe written out by hand, and the converter
of the reference's ``{class: map}`` seed dicts."""
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image
from mmengine.registry import MODELS, init_default_scope

import wsss_plugins  # noqa: F401
from wsss_plugins.datasets import load_config
from wsss_plugins.seeds.acr import ACRSeedGenerator
from wsss_plugins.utils.image import IMAGENET_MEAN, IMAGENET_STD
from wsss_plugins.utils.seed_io import load_seed


def official_acr_seed(model, img, keys, scales):
    """infer_pl.py: per scale (PIL bicubic) and flip, the CAM upsampled bilinearly to the
    image size and ReLU'd, summed; the image's classes; max_norm (relu, min-max, relu)."""
    h, w = img.shape[:2]
    total = 0
    for s in scales:
        size = (int(np.round(w * s)), int(np.round(h * s)))
        scaled = np.asarray(Image.fromarray(img).resize(size, Image.BICUBIC)) if s != 1 else img
        x = (scaled / 255. - np.array(IMAGENET_MEAN)) / np.array(IMAGENET_STD)
        x = torch.from_numpy(x.transpose(2, 0, 1).astype(np.float32))[None]
        for flip in (False, True):
            with torch.no_grad():
                cam = model.classifier.class_maps(x.flip(-1) if flip else x)
            cam = F.relu(F.interpolate(cam, (h, w), mode='bilinear', align_corners=False))[0]
            total = total + (cam.flip(-1) if flip else cam)
    cam = F.relu(total[keys])
    lo, hi = cam.amin((1, 2), keepdim=True), cam.amax((1, 2), keepdim=True)
    return F.relu((cam - lo - 1e-5) / (hi - lo + 1e-5))


def test_acr_seeds_match_the_official_recipe(repo_root):
    cfg = load_config(osp.join(repo_root, 'configs', 'acr', 'acr_toy.py'))
    cfg.model.backbone.init_cfg = None
    init_default_scope('mmseg')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).eval()
    img = np.random.default_rng(0).integers(0, 256, (45, 61, 3), dtype=np.uint8)
    keys = torch.tensor([0, 3])
    scales = (1.0, 0.5, 1.5, 2.0)
    seed = ACRSeedGenerator(model, scales=scales)(img, keys)
    expected = official_acr_seed(model, img, keys, scales)
    assert seed['high_res'].shape == (2, 45, 61)
    assert torch.allclose(seed['high_res'], expected, atol=1e-6)
    assert seed['high_res'].amin((1, 2)).max() == 0 and seed['high_res'].amax() <= 1
    assert seed['cam'].shape == (2, 12, 16)  # stride 4: ceil(45/4), ceil(61/4)


def test_reference_seed_dicts_convert_and_keep_their_maps(repo_root, tmp_path):
    rng = np.random.default_rng(0)
    (tmp_path / 'ref').mkdir()
    maps = {2: rng.random((20, 30)).astype(np.float32), 0: rng.random((20, 30)).astype(np.float32)}
    np.save(tmp_path / 'ref' / 'img_a.npy', maps)
    np.save(tmp_path / 'ref' / 'img_b.npy', {1: np.ones((20, 30), np.float32)})
    run = [sys.executable, 'tools/convert_seeds.py', '--src', 'acr', str(tmp_path / 'ref'),
           str(tmp_path / 'out'), '--num-classes', '20']
    proc = subprocess.run(run, cwd=repo_root, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert '2 converted, 0 kept' in proc.stdout
    seed = load_seed(str(tmp_path / 'out' / 'img_a.npy'))
    assert seed['keys'].tolist() == [0, 2] and not seed['has_bg']
    assert np.array_equal(seed['high_res'][1], maps[2]) and seed['cam'].shape == (2, 5, 8)
    again = subprocess.run(run, cwd=repo_root, capture_output=True, text=True)
    assert '0 converted, 2 kept' in again.stdout  # resumable
    np.save(tmp_path / 'ref' / 'img_c.npy', {25: np.ones((4, 4), np.float32)})
    bad = subprocess.run(run, cwd=repo_root, capture_output=True, text=True)
    assert bad.returncode != 0 and 'img_c.npy: class index 25 outside 0..19' in bad.stderr
