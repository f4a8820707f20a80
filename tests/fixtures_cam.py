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
import torch


@pytest.fixture(scope='session')
def toy_cam_checkpoint(toy_root, repo_root, tmp_path_factory):
    from mmengine.config import Config
    from mmengine.runner import Runner

    import wsss_plugins  # noqa: F401
    work_dir = str(tmp_path_factory.mktemp('cam_toy'))
    cfg = Config.fromfile(osp.join(repo_root, 'configs', 'cam', 'cam_toy.py'))
    cfg.work_dir = work_dir
    cfg.train_dataloader.dataset.data_root = toy_root
    cfg.train_dataloader.num_workers = 0
    cfg.train_dataloader.persistent_workers = False
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # tiny convolutions: 2 threads on a busy 2-core box run ~7x slower
    try:
        Runner.from_cfg(cfg).train()
    finally:
        torch.set_num_threads(threads)
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


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
