"""The toy DeepLab-v2 config trains on a pseudo-label directory given by one option.
(Its learning test is tests/pipeline/test_toy_pipeline.py: the pipeline's DeepLab-v2,
trained on the random-walk pseudo labels, must pass a toy val mIoU floor.)"""
import os
import os.path as osp

import numpy as np
import torch
from mmengine.runner import Runner
from PIL import Image

TOY_DEEPLAB_CONFIG = osp.join('configs', 'deeplabv2', 'deeplabv2_toy.py')


def toy_deeplab_cfg(repo_root, toy_root, work_dir, config=TOY_DEEPLAB_CONFIG, options=None):
    """A DeepLab-v2 toy config pointed at ``toy_root``, in-process data loading (the CI
    machine has 2 cores), ``options`` merged as ``--cfg-options`` would."""
    from wsss_plugins.datasets import load_config
    cfg = load_config(osp.join(repo_root, config), cfg_options=dict(data_root=toy_root))
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg[name]
        loader.num_workers = 0
        loader.persistent_workers = False
    if options:
        cfg.merge_from_dict(options)
    cfg.work_dir = str(work_dir)
    return cfg


def test_pseudo_label_directory_is_one_option(repo_root, toy_root, tmp_path):
    """All-background 'pseudo labels' in a separate directory: the dataset reads them
    (not the ground truth) after the single --cfg-options change, and training runs."""
    pseudo = tmp_path / 'pseudo_labels'
    pseudo.mkdir()
    gt_dir = osp.join(toy_root, 'SegmentationClass')
    for name in os.listdir(gt_dir):
        gt = np.asarray(Image.open(osp.join(gt_dir, name)))
        Image.fromarray(np.zeros_like(gt)).save(pseudo / name)
    cfg = toy_deeplab_cfg(
        repo_root, toy_root, tmp_path / 'work',
        config=osp.join('configs', 'deeplabv2', 'deeplabv2_toy_pseudo.py'),
        options={'train_dataloader.dataset.data_prefix.seg_map_path': str(pseudo)})
    cfg.train_cfg.update(max_iters=2)
    cfg.train_dataloader.batch_size = 2
    cfg.val_cfg = cfg.val_dataloader = cfg.val_evaluator = None  # training only
    runner = Runner.from_cfg(cfg)
    dataset = runner.train_dataloader.dataset
    paths = [dataset.get_data_info(i)['seg_map_path'] for i in range(len(dataset))]
    assert len(paths) == 300 and all(osp.dirname(p) == str(pseudo) for p in paths)
    sample = dataset[0]['data_samples']
    assert torch.all(sample.gt_sem_seg.data == 0)  # all-zero pseudo labels, not the GT
    runner.train()
    loss = runner.message_hub.get_scalar('train/loss').current()
    assert np.isfinite(loss) and loss > 0
