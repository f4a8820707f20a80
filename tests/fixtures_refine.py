"""Session fixtures of the refinement stage, chained on the CAM fixtures:

``toy_ir_labels``      tools/make_ir_labels.py on ``toy_cam_seeds`` (toy ``train`` split);
``toy_irn_checkpoint`` configs/irn/irn_toy.py trained with MMEngine's Runner (as
                       tools/train.py does) on those IR labels, its frozen backbone loaded
                       from the toy CAM classifier (``load_from``);
``toy_pseudo_labels``  tools/make_pseudo_labels.py (random walk) with that IRN.
Each returns a path; the label directories hold ``report.json`` (mIoU vs GT).
"""
import os.path as osp
import subprocess
import sys

import pytest


@pytest.fixture(scope='session')
def toy_ir_labels(toy_root, repo_root, toy_cam_seeds, tmp_path_factory):
    out = str(tmp_path_factory.mktemp('toy_ir_labels'))
    subprocess.run(
        [sys.executable, osp.join(repo_root, 'tools', 'make_ir_labels.py'), toy_cam_seeds,
         '--config', osp.join(repo_root, 'configs', 'irn', 'irn_toy.py'), '--split', 'train',
         '--out', out, '--data-root', toy_root, '--preset', 'irn'],
        check=True, cwd=repo_root)
    return out


@pytest.fixture(scope='session')
def toy_irn_checkpoint(toy_root, repo_root, toy_ir_labels, toy_cam_checkpoint,
                       tmp_path_factory):
    from conftest import train_toy_model
    return train_toy_model(
        'configs/irn/irn_toy.py', str(tmp_path_factory.mktemp('irn_toy')), toy_root,
        load_from=toy_cam_checkpoint,
        **{'train_dataloader.dataset.data_prefix.seg_map_path': toy_ir_labels})


@pytest.fixture(scope='session')
def toy_pseudo_labels(toy_root, repo_root, toy_cam_seeds, toy_irn_checkpoint,
                      tmp_path_factory):
    out = str(tmp_path_factory.mktemp('toy_pseudo_labels'))
    subprocess.run(
        [sys.executable, osp.join(repo_root, 'tools', 'make_pseudo_labels.py'), toy_cam_seeds,
         osp.join(repo_root, 'configs', 'irn', 'irn_toy.py'), toy_irn_checkpoint,
         '--split', 'train', '--out', out, '--data-root', toy_root, '--preset', 'irn'],
        check=True, cwd=repo_root)
    return out
