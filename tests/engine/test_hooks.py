"""DisplacementMeanHook / displacement_mean (IRN train_irn.py's end): the mean of per-batch
means of the raw displacement over top-left crops, the last incomplete batch dropped; the
mean is subtracted in eval mode only and stored in the state dict."""
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
