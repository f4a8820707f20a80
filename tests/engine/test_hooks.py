"""DisplacementMeanHook / displacement_mean (IRN train_irn.py's end): the mean of per-batch
means of the raw displacement over top-left crops, the last incomplete batch dropped; the
mean is subtracted in eval mode only and stored in the state dict. W-OoD's prototypes: the
class means of the in-distribution features, then the OoD K-means centres."""
import importlib.util
import os.path as osp

import numpy as np
import pytest
import torch

from wsss_plugins.engine.hooks import displacement_mean, top_left_crop
from wsss_plugins.utils.image import normalize, read_rgb


def build_toy_irn():
    """tests/models/test_irn.py's tiny IRNet (ResNet-18 at width 16, pad 64)."""
    path = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'models', 'test_irn.py')
    spec = importlib.util.spec_from_file_location('irn_model_tests', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build_toy_irn()


def test_top_left_crop_pads_with_zeros_and_cuts():
    img = np.arange(2 * 3 * 5, dtype=np.float32).reshape(2, 3, 5) + 1
    out = top_left_crop(img, (4, 4))
    assert out.shape == (2, 4, 4)
    assert np.array_equal(out[:, :3, :4], img[:, :, :4]) and not out[:, 3].any()


def test_displacement_mean_is_the_mean_of_batch_means(tiny_toy):
    import glob
    model = build_toy_irn().eval()
    paths = sorted(glob.glob(osp.join(tiny_toy, 'JPEGImages', '*.jpg')))[:3]
    crops = torch.from_numpy(np.stack([top_left_crop(normalize(read_rgb(p)), (64, 64))
                                       for p in paths]))
    with torch.no_grad():
        raw = model.raw_displacement(crops).double()
    first, last = raw[:2].mean(dim=(0, 2, 3)), raw[2:].mean(dim=(0, 2, 3))
    dropped = displacement_mean(model, paths, batch_size=2, drop_last=True)
    kept = displacement_mean(model, paths, batch_size=2, drop_last=False)
    torch.testing.assert_close(dropped.double(), first, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(kept.double(), (first + last) / 2, rtol=1e-5, atol=1e-6)
    # a single incomplete batch is kept (IRN's loader would give no batch at all)
    torch.testing.assert_close(displacement_mean(model, paths, batch_size=8).double(),
                               raw.mean(dim=(0, 2, 3)), rtol=1e-5, atol=1e-6)
    assert model.training is False

    model.displacement_mean.copy_(dropped)
    img = crops[:1]
    with torch.no_grad():
        _, shifted = model(img)
        model.train()
        _, unshifted = model(img)  # MeanShift is the identity in training mode
    torch.testing.assert_close(unshifted - shifted, dropped.view(1, 2, 1, 1).expand_as(shifted))
    assert torch.equal(model.state_dict()['displacement_mean'], dropped)


def test_a_checkpoint_without_the_mean_loads_with_zero(tmp_path):
    from wsss_plugins.apis.instance_pass import check_displacement_mean
    from wsss_plugins.utils.checkpoint import load_weights
    model = build_toy_irn()
    state = {k: v for k, v in model.state_dict().items() if k != 'displacement_mean'}
    torch.save({'state_dict': state}, tmp_path / 'old.pth')
    report = load_weights(build_toy_irn(), str(tmp_path / 'old.pth'), strict=True)
    assert report['missing'] == []
    with pytest.raises(ValueError, match='no displacement mean'):
        check_displacement_mean(model)


def test_wood_prototypes_are_class_means_then_ood_kmeans(tiny_toy):
    import glob

    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS

    from wsss_plugins.engine.hooks import wood_prototypes
    init_default_scope('mmseg')
    torch.manual_seed(0)
    model = MODELS.build(dict(
        type='WOoDClassifier', num_classes=3, num_ood_prototypes=2,
        backbone=dict(type='ResNet', depth=18, base_channels=8, stem_channels=8,
                      strides=(1, 2, 2, 1), out_indices=(3, ), init_cfg=None)))
    paths = sorted(glob.glob(osp.join(tiny_toy, 'JPEGImages', '*.jpg')))
    ids, ood = paths[:4], paths[4:9]
    labels = np.array([[1, 0, 0], [1, 1, 0], [0, 0, 1], [0, 1, 1]], np.float32)
    protos = wood_prototypes(model, ids, labels, ood, ood_long_side=96, iterations=3)
    assert protos.shape == (5, model.classifier.in_channels)
    with torch.no_grad():  # in eval mode (running BN statistics), as the hook
        feats = torch.stack([model.eval().pooled_features(
            torch.from_numpy(normalize(read_rgb(p)))[None])[0] for p in ids])
    model.train()
    torch.testing.assert_close(protos[0], feats[:2].mean(0))
    torch.testing.assert_close(protos[1], feats[[1, 3]].mean(0))
    torch.testing.assert_close(protos[2], feats[[2, 3]].mean(0))
    protos = wood_prototypes(model, ids, labels, ood, ood_long_side=96, iterations=3)
    assert model.training  # restored
    with pytest.raises(ValueError, match=r'classes \[2\] \(0-based\) occur in no training'):
        wood_prototypes(model, ids[:2], labels[:2], ood, ood_long_side=96)


def test_gt_seed_selection_runs_late_in_the_last_epoch_and_keeps_the_best(tiny_toy, tmp_path):
    from types import SimpleNamespace

    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS

    from wsss_plugins.datasets.config import load_config
    from wsss_plugins.engine.hooks import GTSeedSelectionHook
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    cfg = load_config(osp.join(repo, 'configs', 'cam', 'cam_toy.py'),
                      cfg_options=dict(data_root=tiny_toy))
    init_default_scope('mmseg')
    model = MODELS.build(cfg.model)
    model.train()
    saved, logs = [], []
    runner = SimpleNamespace(
        cfg=cfg, model=model, train_dataloader=list(range(8)), epoch=0, max_epochs=2, iter=0,
        work_dir=str(tmp_path), logger=SimpleNamespace(info=logs.append),
        save_checkpoint=lambda d, name, **kw: saved.append(name),
        message_hub=SimpleNamespace(update_info=lambda *a: None))
    hook = GTSeedSelectionHook(split='val', start=0.75, interval=1, scales=(1.0, ))
    for batch_idx in range(8):  # not the last epoch: nothing
        hook.after_train_iter(runner, batch_idx)
    assert not logs
    runner.epoch = 1
    for batch_idx in range(8):
        hook.after_train_iter(runner, batch_idx)
    assert len(logs) == 2 and 'pixel labels' in logs[0]  # iterations 6 and 7 of 8
    assert saved[0] == 'best_gt_selected.pth' and 1 <= len(saved) <= 2
    assert 0 < hook.best <= 1
    assert model.training and all(p.requires_grad for n, p in model.named_parameters()
                                  if n.startswith('classifier'))


def test_split_displacement_mean_reads_the_split_and_the_training_crop(tiny_toy):
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS

    from wsss_plugins.datasets.config import load_config
    from wsss_plugins.engine.hooks import split_displacement_mean
    repo = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    cfg = load_config(osp.join(repo, 'configs', 'irn', 'irn_toy.py'),
                      cfg_options=dict(data_root=tiny_toy))
    init_default_scope('mmseg')
    torch.manual_seed(0)
    model = MODELS.build(cfg.model).eval()
    mean, split, count = split_displacement_mean(model, cfg, 'val_split', batch_size=2)
    names = open(osp.join(tiny_toy, 'ImageSets', 'Segmentation', 'val.txt')).read().split()
    paths = [osp.join(tiny_toy, 'JPEGImages', n + '.jpg') for n in names]
    assert (split, count) == ('val', len(paths))
    expected = displacement_mean(model, paths, 2, tuple(cfg.crop_size))  # crop 128, not 160
    assert torch.equal(mean, expected) and torch.equal(model.displacement_mean, expected)
    assert not torch.equal(expected, displacement_mean(model, paths, 2))  # the 160 pad
