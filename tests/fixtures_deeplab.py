"""Session fixtures shared across test files (see tests/conftest.py)."""
import os.path as osp
import time

import pytest

TOY_DEEPLAB_CONFIG = osp.join('configs', 'deeplabv2', 'deeplabv2_toy.py')


def toy_deeplab_cfg(repo_root, toy_root, work_dir, config=TOY_DEEPLAB_CONFIG, options=None):
    """A DeepLab-v2 toy config pointed at ``toy_root``, in-process data loading (the CI
    machine has 2 cores), ``options`` merged as ``--cfg-options`` would."""
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(repo_root, config))
    for name in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        loader = cfg[name]
        loader.dataset.data_root = toy_root
        loader.num_workers = 0
        loader.persistent_workers = False
    if options:
        cfg.merge_from_dict(options)
    cfg.work_dir = str(work_dir)
    return cfg


@pytest.fixture(scope='session')
def deeplab_toy_gt(repo_root, toy_root, tmp_path_factory):
    """configs/deeplabv2/deeplabv2_toy.py trained on the toy ground truth (train split)
    and validated on toy val with the test protocol of the config (multi-scale + flip,
    max fusion). Returns dict(work_dir, checkpoint, mIoU, seconds)."""
    import torch
    from mmengine.runner import Runner
    work_dir = tmp_path_factory.mktemp('deeplab_toy_gt')
    cfg = toy_deeplab_cfg(repo_root, toy_root, work_dir)
    runner = Runner.from_cfg(cfg)
    # One thread: on the shared 2-core machine two threads made an iteration ~7x slower
    # (7 s vs 0.9 s, measured under the load of other jobs).
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    start = time.time()
    try:
        runner.train()
    finally:
        torch.set_num_threads(threads)
    seconds = time.time() - start
    return dict(work_dir=str(work_dir), seconds=seconds,
                checkpoint=osp.join(str(work_dir), f'iter_{cfg.train_cfg.max_iters}.pth'),
                mIoU=runner.message_hub.get_scalar('val/mIoU').current())
