"""Session fixtures of the AMN stage, chained on the CAM and refinement fixtures:

``toy_amn_checkpoint`` configs/amn/amn_toy.py trained with MMEngine's Runner (as
                       tools/train.py does) on ``toy_ir_labels`` (the CAM stage's IR labels,
                       IRN conf 0.30/0.05, as AMN trains on), its backbone initialised from
                       the toy CAM classifier (``load_from``; no ImageNet weights at toy size);
``toy_amn_seeds``      tools/make_seeds.py --method amn on the toy ``train`` split, with the
                       same IR labels for the conditional min-max.
"""
import os.path as osp
import subprocess
import sys

import pytest


@pytest.fixture(scope='session')
def toy_amn_checkpoint(toy_root, repo_root, toy_ir_labels, toy_cam_checkpoint,
                       tmp_path_factory):
    from conftest import train_toy_model
    return train_toy_model(
        'configs/amn/amn_toy.py', str(tmp_path_factory.mktemp('amn_toy')), toy_root,
        load_from=toy_cam_checkpoint,  # the toy stand-in for ImageNet weights
        val_cfg=None, val_dataloader=None, val_evaluator=None,  # its seeds are evaluated
        **{'train_dataloader.dataset.ann_file': 'ImageSets/Segmentation/train.txt',  # = IR labels
           'train_dataloader.dataset.data_prefix.seg_map_path': toy_ir_labels})


@pytest.fixture(scope='session')
def toy_amn_seeds(toy_root, repo_root, toy_ir_labels, toy_amn_checkpoint, tmp_path_factory):
    out = str(tmp_path_factory.mktemp('toy_amn_seeds'))
    subprocess.run(
        [sys.executable, osp.join(repo_root, 'tools', 'make_seeds.py'),
         osp.join(repo_root, 'configs', 'amn', 'amn_toy.py'), toy_amn_checkpoint,
         '--method', 'amn', '--split', 'train', '--out', out, '--data-root', toy_root,
         '--device', 'cpu', '--cfg-options', f'seed_generators.amn.ir_label_dir={toy_ir_labels}'],
        check=True, cwd=repo_root)
    return out
