"""Checkpoints load strictly: a checkpoint of another model fails loudly, naming the file
and the keys, instead of giving seeds from a randomly initialised head."""
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.registry import init_default_scope

from wsss_plugins.datasets import load_config
from wsss_plugins.utils.checkpoint import CheckpointMismatch, load_model, load_weights

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CAM_TOY = osp.join(REPO_ROOT, 'configs', 'cam', 'cam_toy.py')


def build(num_classes):
    from mmseg.registry import MODELS
    init_default_scope('mmseg')
    cfg = load_config(CAM_TOY)
    cfg.model.num_classes = num_classes
    return MODELS.build(cfg.model)


@pytest.fixture(scope='module')
def toy_checkpoint(tmp_path_factory):
    """A 4-class toy CAM checkpoint (mmengine layout: weights under state_dict)."""
    torch.manual_seed(0)
    model = build(4)
    path = str(tmp_path_factory.mktemp('ckpt') / 'cam4.pth')
    torch.save(dict(state_dict=model.state_dict(), meta=dict(epoch=1)), path)
    return path, model.state_dict()


def test_matching_checkpoint_loads_every_tensor(toy_checkpoint):
    path, state = toy_checkpoint
    model = load_model(load_config(CAM_TOY), path)
    assert not model.training
    assert all(torch.equal(v, state[k]) for k, v in model.state_dict().items())


def test_checkpoint_of_another_class_count_fails_with_the_keys_named(toy_checkpoint):
    path, _ = toy_checkpoint
    with pytest.raises(CheckpointMismatch) as err:
        load_weights(build(20), path)
    message = str(err.value)
    assert path in message and '--non-strict' in message
    assert '1 mismatched key(s): classifier.weight (4, 128, 1, 1) vs model (20, 128, 1, 1)' \
        in message


def test_non_strict_loads_what_fits_and_reports_the_rest(toy_checkpoint, capsys):
    path, state = toy_checkpoint
    model = build(20)
    head = model.classifier.weight.clone()
    state = dict(state, extra_key=torch.zeros(1))
    del state['backbone.conv1.weight']
    partial = path.replace('cam4', 'cam4_partial')
    torch.save(dict(state_dict=state), partial)
    report = load_weights(model, partial, strict=False)
    assert report['missing'] == ['backbone.conv1.weight']
    assert report['unexpected'] == ['extra_key']
    assert [k for k, _, _ in report['mismatched']] == ['classifier.weight']
    assert torch.equal(model.classifier.weight, head)  # kept as initialised
    assert torch.equal(model.backbone.layer1[0].conv1.weight,
                       state['backbone.layer1.0.conv1.weight'])
    assert '[non-strict]' in capsys.readouterr().out


def test_make_seeds_refuses_a_checkpoint_of_another_model(toy_checkpoint, tiny_toy, tmp_path):
    """The toy (4-class) checkpoint with the config bound to VOC (20 classes)."""
    path, _ = toy_checkpoint
    cmd = [sys.executable, osp.join(REPO_ROOT, 'tools', 'make_seeds.py'), CAM_TOY, path,
           '--method', 'cam', '--out', str(tmp_path / 'seeds'),
           '--dataset', osp.join(REPO_ROOT, 'configs', '_base_', 'datasets', 'voc12.py'),
           '--cfg-options', f'data_root={tiny_toy}']
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO_ROOT)
    assert proc.returncode != 0
    assert 'classifier.weight (4, 128, 1, 1) vs model (20, 128, 1, 1)' in proc.stderr
    assert not osp.exists(tmp_path / 'seeds')  # nothing written from a random head
