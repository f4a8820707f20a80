"""Pretrained weights without internet (utils/weights.py, tools/weights.py): the clear error
before training, the hub cache used without a download, the checksum check, the listing of
every config. No test touches the network (urlopen is replaced or WSSS_OFFLINE set)."""
import glob
import os
import os.path as osp
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import torch

from wsss_plugins.datasets import load_config
from wsss_plugins.utils.weights import WeightsMissing, fetch, require_weights

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
URL = 'https://download.pytorch.org/models/resnet50-19c8e357.pth'


@pytest.fixture
def offline(tmp_path, monkeypatch):
    """An empty torch hub cache and a network that fails like a cluster node's."""
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch'))
    monkeypatch.delenv('WSSS_OFFLINE', raising=False)

    def no_network(*args, **kwargs):
        raise urllib.error.URLError('[Errno -2] Name or service not known')
    monkeypatch.setattr(urllib.request, 'urlopen', no_network)
    return osp.join(str(tmp_path / 'torch'), 'hub', 'checkpoints')


def test_missing_weights_are_named_with_url_path_and_option(offline):
    cfg = load_config(osp.join(REPO_ROOT, 'configs', 'amn_voc.py'))
    with pytest.raises(WeightsMissing) as e:
        require_weights(cfg, 'configs/amn_voc.py')
    message = str(e.value)
    for part in ('resnet50-19c8e357.pth', URL, osp.join(offline, 'resnet50-19c8e357.pth'),
                 '--cfg-options model.backbone.init_cfg.checkpoint=/path/to/',
                 'Name or service not known', 'tools/weights.py fetch configs/amn_voc.py'):
        assert part in message, part


def test_a_file_in_the_hub_cache_is_used_without_a_download(offline):
    from mmengine.runner import CheckpointLoader
    os.makedirs(offline)
    torch.save(dict(state_dict=dict(weight=torch.ones(2))), osp.join(offline,
                                                                   'resnet50-19c8e357.pth'))
    require_weights(load_config(osp.join(REPO_ROOT, 'configs', 'amn_voc.py')))
    loaded = CheckpointLoader.load_checkpoint(URL, map_location='cpu')
    assert loaded['state_dict']['weight'].tolist() == [1, 1]
    # torchvision:// (MMDetection configs) becomes its URL, found in the same cache
    torch.save(dict(state_dict={}), osp.join(offline, 'resnet101-63fe2227.pth'))
    cfg = load_config(osp.join(REPO_ROOT, 'configs', 'bbam', 'faster-rcnn_r101_fpn_voc.py'))
    require_weights(cfg)
    assert cfg.model.backbone.init_cfg.checkpoint == \
        'https://download.pytorch.org/models/resnet101-63fe2227.pth'


def test_fetch_checks_the_published_sha256(tmp_path, monkeypatch):
    import hashlib
    content = b'weights'
    monkeypatch.setattr(torch.hub, 'download_url_to_file',
                        lambda url, dst, progress=True: open(dst, 'wb').write(content))
    path = str(tmp_path / 'cache' / 'w.pth')
    with pytest.raises(WeightsMissing, match='does not match the published 19c8e357'):
        fetch(URL, path, '19c8e357')
    assert not osp.exists(path) and not osp.exists(path + '.partial')
    digest = hashlib.sha256(content).hexdigest()
    assert fetch(URL, path, digest[:8]) == digest and open(path, 'rb').read() == content


def test_train_stops_within_seconds_without_weights(tmp_path):
    start = time.time()
    proc = subprocess.run(
        [sys.executable, osp.join(REPO_ROOT, 'tools', 'train.py'), 'configs/amn_voc.py',
         '--work-dir', str(tmp_path / 'work')], cwd=REPO_ROOT, capture_output=True, text=True,
        env=dict(os.environ, WSSS_OFFLINE='1', TORCH_HOME=str(tmp_path / 'torch')))
    assert proc.returncode != 0 and time.time() - start < 60
    assert 'needs pretrained weights that are not on this machine' in proc.stderr
    assert 'Traceback' not in proc.stderr


def test_list_covers_every_config(tmp_path):
    proc = subprocess.run([sys.executable, osp.join(REPO_ROOT, 'tools', 'weights.py'), 'list'],
                          cwd=REPO_ROOT, capture_output=True, text=True,
                          env=dict(os.environ, TORCH_HOME=str(tmp_path)))
    assert proc.returncode == 0, proc.stderr[-2000:]
    configs = [osp.relpath(p, REPO_ROOT) for p in glob.glob(
        osp.join(REPO_ROOT, 'configs', '**', '*.py'), recursive=True)
        if '_base_' not in p and '/pipelines/' not in p]
    listed = {line.split(':')[0] for line in proc.stdout.splitlines()}
    assert set(configs) <= listed
    assert 'configs/amn_voc.py: model.backbone.init_cfg.checkpoint = resnet50-19c8e357.pth ' \
        '[missing' in proc.stdout


def test_the_readme_table_is_the_data():
    from wsss_plugins.utils.weights import WEIGHTS
    readme = open(osp.join(REPO_ROOT, 'README.md')).read()
    for w in WEIGHTS:
        row = f'| {w["file"]} | {w["url"] or "—"} | {w["sha256"] or "—"} |'
        assert row in readme, w['file']
