"""The IR-label and pseudo-label drivers on the toy dataset with seeds made from ground
truth: outputs, report, resumability, and clear errors on a seed dir that does not match."""
import copy
import json
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
import torch
from PIL import Image

from wsss_plugins.utils.protocols import PROTOCOLS
from wsss_plugins.utils.seed_io import SeedDatasetMismatch, load_seed, save_seed, seed_path


def _blur(mask, passes=3):
    out = mask.astype(np.float32)
    for _ in range(passes):
        padded = np.pad(out, 1, mode='edge')
        out = sum(padded[dy:dy + out.shape[0], dx:dx + out.shape[1]]
                  for dy in range(3) for dx in range(3)) / 9
    return out


@pytest.fixture(scope='module')
def gt_seeds(toy_root, tmp_path_factory):
    """Seeds of the toy ``val`` split: blurred GT masks scaled to a max of 0.8."""
    out = str(tmp_path_factory.mktemp('gt_seeds'))
    with open(osp.join(toy_root, 'ImageSets', 'Segmentation', 'val.txt')) as f:
        names = f.read().split()
    for name in names:
        gt = np.asarray(Image.open(osp.join(toy_root, 'SegmentationClass', name + '.png')))
        keys = [c - 1 for c in np.unique(gt) if 0 < c < 255]
        high_res = np.stack([0.8 * _blur(gt == k + 1) for k in keys])
        save_seed(seed_path(out, name), keys, high_res[:, ::4, ::4], high_res)
    return out


@pytest.fixture(scope='module')
def toy_cfg(repo_root, toy_root):
    from wsss_plugins.datasets import load_config
    return load_config(osp.join(repo_root, 'configs', 'irn', 'irn_toy.py'),
                       cfg_options=dict(data_root=toy_root))


def test_make_ir_labels_cli_report_and_resume(gt_seeds, toy_root, repo_root, tmp_path):
    out = str(tmp_path / 'ir')
    cmd = [sys.executable, osp.join(repo_root, 'tools', 'make_ir_labels.py'),
           osp.join(repo_root, 'configs', 'irn', 'irn_toy.py'), '--seeds', gt_seeds,
           '--split', 'val', '--out', out, '--cfg-options', f'data_root={toy_root}']
    subprocess.run(cmd, check=True, cwd=repo_root)
    pngs = sorted(f for f in os.listdir(out) if f.endswith('.png'))
    assert len(pngs) == 60
    values = np.unique(np.concatenate([np.unique(np.asarray(Image.open(osp.join(out, p))))
                                       for p in pngs]))
    assert set(values) <= {0, 1, 2, 3, 4, 255} and 255 in values
    with open(osp.join(out, 'report.json')) as f:
        report = json.load(f)
    assert report['num_images'] == 60 and report['conf_fg'] == 0.30
    # GT-made seeds: confident pixels are almost all right, and some are left uncertain.
    assert report['confident_accuracy'] > 0.95
    assert 0 < report['uncertain_fraction'] < 0.2

    # resume: only the removed files are written again
    stamps = {p: os.stat(osp.join(out, p)).st_mtime_ns for p in pngs}
    for p in pngs[:3]:
        os.remove(osp.join(out, p))
    subprocess.run(cmd, check=True, cwd=repo_root)
    assert sorted(f for f in os.listdir(out) if f.endswith('.png')) == pngs
    assert all(os.stat(osp.join(out, p)).st_mtime_ns == stamps[p] for p in pngs[3:])


def test_seed_dir_mismatch_errors(gt_seeds, toy_root, toy_cfg, tmp_path):
    from wsss_plugins.apis.label_passes import generate_ir_labels
    params = dict(PROTOCOLS['irn']['ir_label'])
    bad = tmp_path / 'seeds'
    bad.mkdir()
    names = sorted(os.listdir(gt_seeds))
    for n in names[1:]:
        os.symlink(osp.join(gt_seeds, n), bad / n)
    with pytest.raises(SeedDatasetMismatch,
                       match=f'1 of 60 images of the split have no seed file.*{names[0]}'):
        generate_ir_labels(toy_cfg, 'val', str(bad), str(tmp_path / 'a'), **params)

    seed = load_seed(osp.join(gt_seeds, names[0]))
    save_seed(str(bad / names[0]), seed['keys'], seed['cam'], seed['high_res'][:, :-4])
    with pytest.raises(ValueError, match=f'{names[0]}: high_res is .* but the image'):
        generate_ir_labels(toy_cfg, 'val', str(bad), str(tmp_path / 'b'), **params)

    save_seed(str(bad / names[0]), seed['keys'][:0], seed['cam'][:0], seed['high_res'][:0])
    with pytest.raises(ValueError, match='seed classes .* differ from the image labels'):
        generate_ir_labels(toy_cfg, 'val', str(bad), str(tmp_path / 'c'), **params)


def test_pseudo_label_driver_and_dense_equality(gt_seeds, toy_root, toy_cfg, tmp_path):
    """With a (random) IRN: one PNG per image, no uncertain pixel, a report; the stored
    (sparse) labels equal IRN's dense random walk on a few images."""
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS

    from wsss_plugins.apis.label_passes import generate_pseudo_labels
    from wsss_plugins.utils.image import read_rgb
    from wsss_plugins.refine.random_walk import random_walk_label
    init_default_scope('mmseg')
    torch.manual_seed(0)
    model = MODELS.build(toy_cfg.model).eval()
    # a 12-image split keeps the test short
    cfg = copy.deepcopy(toy_cfg)
    with open(osp.join(toy_root, 'ImageSets', 'Segmentation', 'val.txt')) as f:
        names = f.read().split()[:12]
    (tmp_path / 'val12.txt').write_text('\n'.join(names))
    cfg.splits['val12'] = dict(ann_file=str(tmp_path / 'val12.txt'),
                               gt_seg_map_path='SegmentationClass')
    out = tmp_path / 'pseudo'
    report = generate_pseudo_labels(model, cfg, 'val12', gt_seeds, str(out))
    pngs = sorted(f for f in os.listdir(out) if f.endswith('.png'))
    assert len(pngs) == 12 and report['num_images'] == 12 and report['method'] == 'sparse'
    assert report['uncertain_fraction'] == 0  # the random walk labels every pixel
    for png in pngs[:3]:
        name = png[:-4]
        img = read_rgb(osp.join(toy_root, 'JPEGImages', name + '.jpg'))
        bgr = torch.from_numpy(np.ascontiguousarray(img[..., ::-1].transpose(2, 0, 1)))
        inputs = model.data_preprocessor(dict(inputs=[bgr]), False)['inputs']
        edge, _ = model.predict_edge(inputs)
        dense = random_walk_label(load_seed(seed_path(gt_seeds, name)), edge, img.shape[:2],
                                  method='dense')
        stored = np.asarray(Image.open(out / png))
        assert stored.shape == dense.shape and (stored != dense).mean() < 1e-3, name
