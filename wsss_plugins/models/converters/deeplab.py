"""kazuto1011/deeplab-pytorch (caffe-converted) DeepLab-v2 / ResNet-101 weights -> our keys.

    python tools/convert_checkpoint.py --src deeplabv2_caffe IN.pth OUT.pth

Source layout (``libs/models/resnet.py``, ``deeplabv2.py``, ``msc.py``): the stem is
``layer1.conv1.{conv,bn}``; stage ``layerK`` (K = 2..5) holds ``blockJ`` (J = 1..) with
``reduce``/``conv3x3``/``increase``/``shortcut``, each ``.conv`` + ``.bn``; the classifier
is ``aspp.c0..c3`` (``aspp.stages.cI`` in the oldest layout). Trained models carry the MSC
wrapper prefix ``base.`` (``scale.`` in older versions) and ``module.`` from DataParallel.
Target: ``DeepLabResNet``/mmseg ``ResNet`` under ``backbone.`` (``conv1``/``bn1``,
``layer{K-1}.{J-1}.conv{1,2,3}``/``bn{1,2,3}``/``downsample.{0,1}``) and
``DeepLabV2Head.convs.I`` under ``decode_head.``. The ImageNet classifier (``fc.*``) is
dropped: it has no counterpart.
"""
import re

from ...registry import CHECKPOINT_CONVERTERS

_WRAPPERS = ('module.', 'base.', 'scale.')
_BLOCK_PARTS = {'reduce': ('conv1', 'bn1'), 'conv3x3': ('conv2', 'bn2'),
                'increase': ('conv3', 'bn3'), 'shortcut': ('downsample.0', 'downsample.1')}
_STEM = re.compile(r'layer1\.conv1\.(conv|bn)\.(\w+)$')
_BLOCK = re.compile(r'layer([2-5])\.block(\d+)\.(reduce|conv3x3|increase|shortcut)'
                    r'\.(conv|bn)\.(\w+)$')
_ASPP = re.compile(r'aspp\.(?:stages\.)?c(\d+)\.(weight|bias)$')
_DROPPED = re.compile(r'fc\.(weight|bias)$')


def _convert_key(key):
    match = _STEM.match(key)
    if match:
        layer, param = match.groups()
        return f"backbone.{'conv1' if layer == 'conv' else 'bn1'}.{param}"
    match = _BLOCK.match(key)
    if match:
        stage, block, part, layer, param = match.groups()
        conv, bn = _BLOCK_PARTS[part]
        return (f'backbone.layer{int(stage) - 1}.{int(block) - 1}.'
                f"{conv if layer == 'conv' else bn}.{param}")
    match = _ASPP.match(key)
    if match:
        return f'decode_head.convs.{match.group(1)}.{match.group(2)}'
    if _DROPPED.match(key):
        return None
    raise KeyError(f'deeplabv2_caffe: unknown key {key!r} (expected the deeplab-pytorch '
                   'DeepLab-v2 / ResNet layout: layer1.conv1.*, layerK.blockJ.*, aspp.cI.*)')


@CHECKPOINT_CONVERTERS.register_module(name='deeplabv2_caffe')
def convert_deeplabv2_caffe(state_dict):
    """Rename every key; raise ``KeyError`` naming the first key outside the layout."""
    converted = {}
    for key, value in state_dict.items():
        name = key
        while name.startswith(_WRAPPERS):
            name = name.split('.', 1)[1]
        new_key = _convert_key(name)
        if new_key is None:
            continue
        if new_key in converted:
            raise KeyError(f'deeplabv2_caffe: {key!r} maps to {new_key!r} twice')
        converted[new_key] = value
    return converted
