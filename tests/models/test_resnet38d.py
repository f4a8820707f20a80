"""ResNet-38d against the reference architecture (psa ``network/resnet38d.py``, wave2.md
§4.1) and its weight converter on synthetic files in the reference formats (§4.2)."""
import importlib.util
import os.path as osp

import numpy as np
import pytest
import torch

from wsss_plugins.models.backbones.resnet38d import ResNet38d
from wsss_plugins.utils.mxnet_params import DTYPES, LIST_MAGIC, V1, V2, load_mxnet_params


def save_mxnet_params(path, arrays, version=V2):
    """``mx.nd.save`` of a dict, byte by byte (wave2.md §4.2): V2, V1 or the legacy layout."""
    flags = {np.dtype(v): k for k, v in DTYPES.items()}
    with open(path, 'wb') as f:
        f.write(np.array([LIST_MAGIC, 0, len(arrays)], '<u8').tobytes())
        for value in arrays.values():
            if version == 'legacy':
                f.write(np.array([value.ndim, *value.shape], '<u4').tobytes())
            else:
                f.write(np.array([version], '<u4').tobytes())
                if version != V1:
                    f.write(np.array([0], '<i4').tobytes())
                f.write(np.array([value.ndim], '<u4').tobytes())
                f.write(np.array(value.shape, '<i8').tobytes())
            f.write(np.array([1, 0, flags[value.dtype]], '<i4').tobytes())
            f.write(np.ascontiguousarray(value).tobytes())
        f.write(np.array([len(arrays)], '<u8').tobytes())
        for name in arrays:
            f.write(np.array([len(name)], '<u8').tobytes())
            f.write(name.encode())


def mxnet_name(key):
    """Our (PSA) name → the MXNet name, inverting PSA's ``convert_mxnet_to_torch``."""
    if key == 'conv1a.weight':
        return 'arg:conv1a_weight'
    module, layer, param = key.rsplit('.', 2) if key.count('.') == 2 else (None, *key.split('.'))
    bn = dict(weight='gamma', bias='beta', running_mean='moving_mean', running_var='moving_var')
    if module is None:  # bn7
        return ('aux:' if 'running' in param else 'arg:') + f'bn7_{bn[param]}'
    stage, block = (module[1], 'a') if '_' not in module else (module[1], 'b' + module[3])
    kind, branch = layer.split('_', 1)
    if kind == 'conv':
        return f'arg:res{stage}{block}_{branch}_weight'
    return ('aux:' if 'running' in param else 'arg:') + f'bn{stage}{block}_{branch}_{bn[param]}'


def test_layer_shapes_and_parameter_count_match_the_reference():
    net = ResNet38d().eval()
    assert sum(p.numel() for p in net.parameters()) == 105_070_912
    assert len(net.state_dict()) == 228
    assert sum(isinstance(m, torch.nn.BatchNorm2d) for m in net.modules()) == 37
    with torch.no_grad():
        conv4, conv5, conv6 = net(torch.zeros(1, 3, 64, 96))
    assert [tuple(t.shape) for t in (conv4, conv5, conv6)] == [
        (1, 512, 8, 12), (1, 1024, 8, 12), (1, 4096, 8, 12)]  # output stride 8
    assert net.b5.conv_branch2a.dilation == (1, 1) and net.b5.conv_branch2b1.dilation == (2, 2)
    assert net.b6.conv_branch2b1.dilation == (4, 4) and net.b7.conv_branch2b1.dilation == (4, 4)
    assert (net.b6.dropout_2b1.p, net.b7.dropout_2b2.p) == (0.3, 0.5)  # PSA's defaults


def test_norm_eval_freezes_batch_norm_and_frozen_stages_freeze_blocks():
    net = ResNet38d(widen_factor=0.125, frozen_stages=1).train()
    bns = [m for m in net.modules() if isinstance(m, torch.nn.BatchNorm2d)]
    assert all(not m.training and not m.weight.requires_grad for m in bns)
    assert not any(p.requires_grad for p in net.b2_2.parameters())
    assert net.b3.conv_branch2a.weight.requires_grad
    assert net.b6.dropout_2b1.training  # dropout still trains


@pytest.mark.parametrize('version', [V2, V1, 'legacy'], ids=['v2', 'v1', 'legacy'])
def test_mxnet_params_convert_without_mxnet_and_load_exactly(version, tmp_path, repo_root):
    net = ResNet38d(widen_factor=0.125)
    rng = np.random.default_rng(0)
    reference = {k: v for k, v in net.state_dict().items() if 'num_batches' not in k}
    arrays = {mxnet_name(k): rng.normal(size=tuple(v.shape)).astype(np.float32)
              for k, v in reference.items()}
    arrays['arg:linear1000_weight'] = np.ones((1000, 4), np.float32)  # ImageNet fc: dropped
    save_mxnet_params(tmp_path / 'rn38.params', arrays, version)
    assert set(load_mxnet_params(tmp_path / 'rn38.params')) == set(arrays)
    spec = importlib.util.spec_from_file_location(
        'convert_checkpoint', osp.join(repo_root, 'tools', 'convert_checkpoint.py'))
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    tool.convert_file('resnet38d', str(tmp_path / 'rn38.params'), str(tmp_path / 'rn38.pth'))
    converted = torch.load(tmp_path / 'rn38.pth', weights_only=True)['state_dict']
    ResNet38d(widen_factor=0.125).load_state_dict(converted, strict=True)
    assert len(converted) == len(reference)
    for key in ('b4_3.bn_branch2b1.running_var', 'b2.conv_branch1.weight', 'bn7.bias',
                'b7.conv_branch2b2.weight'):
        assert np.array_equal(converted[key].numpy(), arrays[mxnet_name(key)])


def test_psa_pth_drops_the_head_and_unknown_keys_are_named():
    from wsss_plugins.models.converters.resnet38d import convert_resnet38d
    state = {'module.' + k: v for k, v in ResNet38d(widen_factor=0.125).state_dict().items()}
    state['module.fc8.weight'] = torch.zeros(20, 512, 1, 1)
    out = convert_resnet38d(state)
    assert 'fc8.weight' not in out and out['conv1a.weight'].shape == (8, 3, 3, 3)
    with pytest.raises(KeyError, match='res9z_branch1_weight'):
        convert_resnet38d({'arg:conv1a_weight': torch.zeros(1), 'arg:res9z_branch1_weight': 0})
    with pytest.raises(KeyError, match='not a ResNet-38d'):
        convert_resnet38d({'layer1.0.conv1.weight': torch.zeros(1)})
