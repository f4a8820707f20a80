"""Session fixtures of the CAM stage: a toy CAM classifier trained once, and its CAM seeds.

``toy_cam_checkpoint`` trains configs/cam/cam_toy.py with MMEngine's Runner (as
tools/train.py does) on the session's toy dataset; ``toy_cam_seeds`` runs
tools/make_seeds.py --method cam on the toy ``train`` split.
"""
import os.path as osp
import os
import subprocess
import sys

import pytest


@pytest.fixture(scope='session')
def toy_cam_checkpoint(toy_root, tmp_path_factory):
    from conftest import train_toy_model
    return train_toy_model('configs/cam/cam_toy.py', str(tmp_path_factory.mktemp('cam_toy')),
                           toy_root)


@pytest.fixture(scope='session')
def toy_cam_seeds(toy_root, repo_root, toy_cam_checkpoint, tmp_path_factory):
    """Directory of CAM seed files for the toy ``train`` split (made by the CLI)."""
    out = str(tmp_path_factory.mktemp('toy_cam_seeds'))
    subprocess.run(
        [sys.executable, osp.join(repo_root, 'tools', 'make_seeds.py'),
         osp.join(repo_root, 'configs', 'cam', 'cam_toy.py'), toy_cam_checkpoint,
         '--method', 'cam', '--split', 'train', '--out', out, '--data-root', toy_root,
         '--device', 'cpu'],
        check=True, cwd=repo_root, env=dict(os.environ, OMP_NUM_THREADS='1'))
    return out
