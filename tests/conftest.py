"""Shared fixtures. Heavier stage fixtures (trained toy models, seeds) live in the
``fixtures_*.py`` plugins so every test file can reuse one training run."""
import os
import os.path as osp

# Tiny models on 2 cores: OpenMP spin-waiting between torch ops made 2-thread runs
# 7-30x slower than 1 thread here; set before torch is imported.
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import pytest  # noqa: E402

pytest_plugins = ['fixtures_cam', 'fixtures_refine', 'fixtures_amn', 'fixtures_deeplab']

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def train_toy_model(config, work_dir, toy_root, **overrides):
    """Train a toy config with MMEngine's Runner, as tools/train.py does; returns the
    last checkpoint. ``overrides`` are dotted config keys (``--cfg-options`` style)."""
    from mmengine.config import Config
    from mmengine.runner import Runner

    import wsss_plugins  # noqa: F401
    cfg = Config.fromfile(osp.join(REPO_ROOT, config))
    cfg.work_dir = work_dir
    cfg.merge_from_dict({'train_dataloader.dataset.data_root': toy_root,
                         'train_dataloader.num_workers': 0,
                         'train_dataloader.persistent_workers': False, **overrides})
    Runner.from_cfg(cfg).train()
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        return f.read().strip()


@pytest.fixture(scope='session')
def repo_root():
    return REPO_ROOT


@pytest.fixture(scope='session')
def toy_root(tmp_path_factory):
    """A generated toy dataset (the full 300/60 split), shared by the whole session."""
    from wsss_plugins.datasets.toy import make_toy_dataset
    root = str(tmp_path_factory.mktemp('toy_voc'))
    make_toy_dataset(root, seed=0, progress_bar=False)
    return root


@pytest.fixture(scope='session', autouse=True)
def _one_thread():
    # Models in tests are tiny: one thread beats two (no sync overhead), and data loader
    # workers get the other core.
    import torch
    torch.set_num_threads(1)
