"""tools/train.py --resume continues from the last checkpoint; configs build through MMEngine."""
import os.path as osp
import subprocess
import sys

import torch


def _train(repo_root, work_dir, data_root, max_epochs, *extra):
    cmd = [sys.executable, osp.join(repo_root, 'tools', 'train.py'),
           osp.join(repo_root, 'configs', 'cam', 'cam_toy.py'), '--work-dir', work_dir,
           *extra, '--cfg-options', f'data_root={data_root}',
           'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
           f'train_cfg.max_epochs={max_epochs}']
    return subprocess.run(cmd, cwd=repo_root, capture_output=True, text=True)


def _checkpoint_meta(path):
    from mmengine.runner.checkpoint import _load_checkpoint
    return _load_checkpoint(path, map_location='cpu')


def test_resume_continues_from_last_checkpoint(repo_root, tiny_toy, tmp_path):
    work_dir = str(tmp_path / 'run')
    first = _train(repo_root, work_dir, tiny_toy, 1)
    assert first.returncode == 0, first.stderr[-3000:]
    ckpt1 = open(osp.join(work_dir, 'last_checkpoint')).read().strip()
    assert ckpt1.endswith('epoch_1.pth')
    meta1 = _checkpoint_meta(ckpt1)
    assert meta1['meta']['epoch'] == 1 and meta1['meta']['iter'] == 2  # 16 images / batch 8

    second = _train(repo_root, work_dir, tiny_toy, 2, '--resume')
    assert second.returncode == 0, second.stderr[-3000:]
    log = second.stdout + second.stderr
    assert 'resumed epoch: 1, iter: 2' in log  # mmengine's own resume message
    assert 'Epoch(train) [1]' not in log  # the first epoch is not trained again
    ckpt2 = open(osp.join(work_dir, 'last_checkpoint')).read().strip()
    meta2 = _checkpoint_meta(ckpt2)
    assert ckpt2.endswith('epoch_2.pth')
    assert meta2['meta']['epoch'] == 2 and meta2['meta']['iter'] == 4
    # the weights moved on from the resumed ones
    w1, w2 = meta1['state_dict']['classifier.weight'], meta2['state_dict']['classifier.weight']
    assert not torch.equal(w1, w2)


def test_config_builds_registered_dataset_and_model(repo_root, tiny_toy):
    """`custom_imports=dict(imports=['wsss_plugins'])` + default_scope find our components."""
    from mmengine.registry import DATASETS, MODELS, init_default_scope

    from wsss_plugins.datasets import load_config
    cfg = load_config(osp.join(repo_root, 'configs', 'cam', 'cam_toy.py'),
                      cfg_options=dict(data_root=tiny_toy))
    assert cfg.custom_imports.imports == ['wsss_plugins'] and cfg.default_scope == 'mmseg'
    init_default_scope(cfg.default_scope)
    # Built through mmengine's root registries: the scope redirects to mmseg's children.
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    model = MODELS.build(cfg.model)
    assert type(dataset).__name__ == 'ToyVOCDataset' and len(dataset) == 16
    assert type(model).__name__ == 'CAMClassifier'
    sample = dataset[0]
    batch = model.data_preprocessor(dict(inputs=[sample['inputs']],
                                          data_samples=[sample['data_samples']]), training=True)
    logits = model(batch['inputs'], batch['data_samples'], mode='tensor')
    assert tuple(logits.shape) == (1, 4)


def test_wrong_config_key_is_named(repo_root, tiny_toy, tmp_path):
    result = _train(repo_root, str(tmp_path / 'bad'), tiny_toy, 1,
                    '--cfg-options', 'model.backbone.no_such_option=1')
    assert result.returncode != 0
    assert 'no_such_option' in result.stderr
