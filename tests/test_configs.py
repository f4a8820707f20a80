"""The real-data configs read the files the dataset converters write (a COCO IRN config once
named a list the converter never writes, and every COCO pipeline stopped at IRN)."""
import glob
import os
import os.path as osp

import pytest
from wsss_plugins.datasets import load_config

from wsss_plugins.datasets.converters import coco_instances_to_semantic

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
# (the BBAM configs of Detectron2 detectors have no loaders: their yaml's splits are the
# dataset config's, tests/engine/test_d2_trainer.py)
COCO_CONFIGS = sorted(p for p in glob.glob(osp.join(REPO_ROOT, 'configs', '**', '*coco14*.py'),
                                           recursive=True)
                      if '/pipelines/' not in p and 'bbam_d2_' not in p)


def data_files(node, data_root):
    """(key, path) of every list / label file a config's dataset dicts name."""
    if isinstance(node, dict):
        root = node.get('data_root', data_root)
        for key, value in node.items():
            if key in ('ann_file', 'img_labels_from') and isinstance(value, str) \
                    and value.endswith(('.txt', '.json')):
                yield key, osp.join(root, value)
            else:
                yield from data_files(value, root)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from data_files(value, data_root)


@pytest.fixture(scope='module')
def coco_root(toy_root, tmp_path_factory):
    """A COCO-14 layout written by the converter (from the toy's COCO-format json), beside
    the instances jsons it converts (COCO's own files, which the detection configs read)."""
    import shutil
    root = str(tmp_path_factory.mktemp('coco14'))
    os.makedirs(osp.join(root, 'annotations'))
    for src, split in (('train_aug', 'train2014'), ('val', 'val2014')):
        source = osp.join(toy_root, 'annotations', f'instances_{src}.json')
        coco_instances_to_semantic(source, root, split)
        shutil.copy(source, osp.join(root, 'annotations', f'instances_{split}.json'))
    return root


@pytest.mark.parametrize('config', COCO_CONFIGS, ids=lambda p: osp.relpath(p, REPO_ROOT))
def test_coco_configs_read_the_lists_the_converter_writes(config, coco_root, monkeypatch):
    monkeypatch.setenv('WSSS_COCO_ROOT', coco_root)
    cfg = load_config(config)
    files = list(data_files(cfg.to_dict(), cfg.get('data_root', coco_root)))
    assert any(key == 'ann_file' for key, _ in files)
    missing = [path for _, path in files if not osp.isfile(path)]
    assert not missing, (f'{osp.basename(config)} names files the converter does not write: '
                         f'{missing}')
