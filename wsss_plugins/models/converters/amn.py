"""Official AMN ``res50_amn.pth`` (gaviotas/AMN ``net/resnet50_amn.py::Net``) → ``AMN``.

    python tools/convert_checkpoint.py --src amn res50_amn.pth.pth OUT.pth

Source layout (``train_amn.py`` saves ``model.module.state_dict()``): the same modules are
registered under several names, so each weight appears more than once —
``resnet50.*`` (IRN ResNet-50, torchvision key names), ``stage1.{0,1,4}``/``stage{2,3,4}.0``
and ``backbone.{0..3}`` (the stages again), ``label_enc.{weight,bias}`` (Linear(20, 2048);
80 on the ``coco14`` branch), ``classifier.0`` (the parameter-free Dropout),
``classifier.1.c{0..3}.{weight,bias}`` (``_ASPP``'s four dilated convs) and
``newly_added.{0,1}`` (classifier and label_enc again).

Target (``AMN`` with the reference's LC position, ``lc_stages=('layer4',)``):
``backbone.<torchvision name>`` (mmseg ``ResNet`` uses the same names),
``label_encs.layer4.*`` and ``decode_head.convs.{0..3}.*``. The aliases are dropped.
"""
import re

from ...registry import CHECKPOINT_CONVERTERS

_ALIASES = re.compile(r'^(stage[1-4]|backbone|newly_added)\.')
_ASPP = re.compile(r'^classifier\.1\.c(\d+)\.(weight|bias)$')
_LABEL_ENC = re.compile(r'^label_enc\.(weight|bias)$')


@CHECKPOINT_CONVERTERS.register_module(name='amn')
def convert_amn(state_dict):
    """Rename every key; raise ``KeyError`` naming the first key outside the layout."""
    state_dict = {k[len('module.'):] if k.startswith('module.') else k: v
                  for k, v in state_dict.items()}  # saved from DataParallel
    if 'label_enc.weight' not in state_dict or not any(k.startswith('resnet50.')
                                                       for k in state_dict):
        raise KeyError('not an AMN checkpoint: expected "label_enc.weight" and "resnet50.*" '
                       f'keys (first keys: {list(state_dict)[:5]})')
    out = {}
    for key, value in state_dict.items():
        if _ALIASES.match(key):
            continue
        if key.startswith('resnet50.'):
            out['backbone.' + key[len('resnet50.'):]] = value
        elif _LABEL_ENC.match(key):
            out['label_encs.layer4.' + key.split('.', 1)[1]] = value
        elif _ASPP.match(key):
            index, param = _ASPP.match(key).groups()
            out[f'decode_head.convs.{index}.{param}'] = value
        else:
            raise KeyError(f'amn: unknown key {key!r} (expected the gaviotas/AMN layout: '
                           'resnet50.*, label_enc.*, classifier.1.cI.*)')
    return out
