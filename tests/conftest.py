"""Shared fixtures. Heavier stage fixtures (trained toy models, seeds) live in the
``fixtures_*.py`` plugins so every test file can reuse one training run."""
import os
import os.path as osp

import pytest

pytest_plugins = ['fixtures_cam', 'fixtures_refine', 'fixtures_deeplab']

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


@pytest.fixture(scope='session', autouse=True)
def _few_threads():
    # The CI machine has 2 cores; keep torch from oversubscribing them.
    import torch
    torch.set_num_threads(min(2, os.cpu_count() or 1))
