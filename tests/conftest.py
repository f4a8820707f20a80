"""Shared fixtures. Heavier stage fixtures (trained toy models, seeds) live in the
``fixtures_pipeline.py`` (one toy pipeline run shared by every test file)."""
import os
import os.path as osp

# Tiny models on 2 cores: OpenMP spin-waiting between torch ops made 2-thread runs
# 7-30x slower than 1 thread here; set before torch is imported.
os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')

import pytest  # noqa: E402

pytest_plugins = ['fixtures_pipeline']

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


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


@pytest.fixture(scope='session')
def tiny_toy(tmp_path_factory):
    """A 16 train_aug / 4 val toy dataset for tests that train or launch processes."""
    from wsss_plugins.datasets.toy import make_toy_dataset
    root = str(tmp_path_factory.mktemp('tiny_toy'))
    make_toy_dataset(root, splits=dict(train_aug=16, val=4), progress_bar=False)
    return root


@pytest.fixture(scope='session', autouse=True)
def _one_thread():
    # Models in tests are tiny: one thread beats two (no sync overhead), and data loader
    # workers get the other core.
    import torch
    torch.set_num_threads(1)
