"""ResNet-38d ImageNet weights → ``ResNet38d`` (backbone keys, for ``init_cfg=dict(
type='Pretrained', checkpoint=OUT)``).

    python tools/convert_checkpoint.py --src resnet38d ilsvrc-cls_rna-a1_cls1000_ep-0001.params OUT.pth
    python tools/convert_checkpoint.py --src resnet38d resnet_38d.pth OUT.pth

Two source formats, the ones PSA / SEAM / ACR load (wave2.md §4.2):

* the MXNet file (``.params``, read by ``utils.mxnet_params`` without mxnet), keys
  ``arg:``/``aux:`` + ``conv1a_weight``, ``res{S}{a|b1..b5}_branch{1|2a|2b1|2b2}_weight``,
  ``bn{S}{a|b1..b5}_branch{…}_{gamma|beta|moving_mean|moving_var}``, ``bn7_*``,
  ``linear1000_*`` (the ImageNet classifier, dropped) — PSA's ``convert_mxnet_to_torch``
  rules (``res2a`` → ``b2``, ``res4b3`` → ``b4_3``);
* its PyTorch conversion (``.pth``: ``torch.save`` of that function's output, PSA names,
  possibly with a trained head such as ``fc8``, dropped, and a ``module.`` prefix).
"""
import re

from ...registry import CHECKPOINT_CONVERTERS

_MX = re.compile(r'^(?:arg:|aux:)?(res|bn)(\d)(a|b\d)_(branch(?:1|2a|2b1|2b2))_'
                 r'(weight|gamma|beta|moving_mean|moving_var)$')
_MX_BN7 = re.compile(r'^(?:arg:|aux:)?bn7_(gamma|beta|moving_mean|moving_var)$')
_MX_CONV1A = re.compile(r'^(?:arg:|aux:)?conv1a_weight$')
_MX_DROPPED = re.compile(r'^(?:arg:|aux:)?linear1000_')
_BN = {'gamma': 'weight', 'beta': 'bias', 'moving_mean': 'running_mean',
       'moving_var': 'running_var'}
_PSA = re.compile(r'^(conv1a\.weight|bn7\.\w+|b[2-7](?:_\d)?\.(?:conv|bn)_branch\w+\.\w+)$')


def _from_mxnet(key):
    if _MX_CONV1A.match(key):
        return 'conv1a.weight'
    if _MX_BN7.match(key):
        return 'bn7.' + _BN[_MX_BN7.match(key).group(1)]
    m = _MX.match(key)
    if m is None:
        return None
    layer, stage, block, branch, param = m.groups()
    name = f'b{stage}' if block == 'a' else f'b{stage}_{block[1:]}'
    return f'{name}.{"conv" if layer == "res" else "bn"}_{branch}.' + _BN.get(param, param)


@CHECKPOINT_CONVERTERS.register_module(name='resnet38d')
def convert_resnet38d(state_dict):
    """Rename every backbone key; drop the classifiers; ``KeyError`` naming the first key
    of neither layout."""
    state_dict = {k[len('module.'):] if k.startswith('module.') else k: v
                  for k, v in state_dict.items()}
    mxnet = any(_MX_CONV1A.match(k) for k in state_dict)
    if not mxnet and 'conv1a.weight' not in state_dict:
        raise KeyError('not a ResNet-38d checkpoint: expected "conv1a_weight" (MXNet) or '
                       f'"conv1a.weight" (PSA) (first keys: {list(state_dict)[:5]})')
    out = {}
    for key, value in state_dict.items():
        if mxnet:
            if _MX_DROPPED.match(key):
                continue
            name = _from_mxnet(key)
        else:
            name = key if _PSA.match(key) else None
            if name is None and re.match(r'^fc\d+\.', key):  # a trained PSA/ACR head
                continue
        if name is None:
            raise KeyError(f'resnet38d: unknown key {key!r} (expected the '
                           f'{"MXNet" if mxnet else "PSA"} ResNet-38d layout)')
        out[name] = value
    return out
