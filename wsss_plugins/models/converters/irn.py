"""Official IRN checkpoints → ours: ``res50_cam.pth`` (IRN / AdvCAM CAM net) →
``CAMClassifier``; ``res50_irn.pth`` (boundary + displacement net) → ``IRNet``.

IRN's ``net/resnet50_cam.py::Net`` registers the same modules under several
names, so its state dict holds every weight more than once: ``resnet50.*``
(torchvision key names), ``stage1.{0,1,4}`` (= conv1, bn1, layer1; 2 and 3 are the
parameter-free relu and maxpool), ``stage{2,3,4}.0`` (= layer2..4),
``backbone.{0..3}.*`` (the same stages in a ModuleList), ``classifier.weight`` and
``newly_added.0.weight``.  mmseg's ``ResNet`` uses the torchvision names, so
``resnet50.X`` becomes ``backbone.X``; files without the ``resnet50.*`` copy are
rebuilt from the stage keys.
"""
import re

from ...registry import CHECKPOINT_CONVERTERS

_STAGE_TO_TORCHVISION = [
    (r'^stage1\.0\.', 'conv1.'), (r'^stage1\.1\.', 'bn1.'), (r'^stage1\.4\.', 'layer1.'),
    (r'^stage2\.0\.', 'layer2.'), (r'^stage3\.0\.', 'layer3.'), (r'^stage4\.0\.', 'layer4.'),
]


@CHECKPOINT_CONVERTERS.register_module(name='irn_cam')
def convert_irn_cam(state_dict):
    """Return the ``CAMClassifier`` state dict (``backbone.*``, ``classifier.weight``)."""
    state_dict = {k[len('module.'):] if k.startswith('module.') else k: v
                  for k, v in state_dict.items()}  # saved from DataParallel
    if 'classifier.weight' not in state_dict:
        raise KeyError('not an IRN CAM checkpoint: no "classifier.weight" key '
                       f'(first keys: {list(state_dict)[:5]})')
    out = {'classifier.weight': state_dict['classifier.weight']}
    if any(k.startswith('resnet50.') for k in state_dict):
        out.update({'backbone.' + k[len('resnet50.'):]: v
                    for k, v in state_dict.items() if k.startswith('resnet50.')})
        return out
    for key, value in state_dict.items():
        for pattern, repl in _STAGE_TO_TORCHVISION:
            if re.match(pattern, key):
                out['backbone.' + re.sub(pattern, repl, key)] = value
                break
    if len(out) == 1:
        raise KeyError('not an IRN CAM checkpoint: neither "resnet50.*" nor "stage*" keys')
    return out


# IRN net/resnet50_irn.py::Net → IRNet: the boundary branch fc_edge1..5 are the five levels,
# fc_edge6 the fusing conv; the displacement branch fc_dp1..5 its levels, fc_dp6 the
# upsampling unit and fc_dp7 the output head (conv, GN, ReLU, conv).
_IRN_BRANCHES = [
    (r'^fc_edge([1-5])\.', lambda m: f'edge_branch.levels.{int(m.group(1)) - 1}.'),
    (r'^fc_edge6\.', lambda m: 'edge_branch.fuse.'),
    (r'^fc_dp([1-5])\.', lambda m: f'displacement_branch.level{m.group(1)}.'),
    (r'^fc_dp6\.', lambda m: 'displacement_branch.up.'),
    (r'^fc_dp7\.([0-3])\.', lambda m: f'displacement_branch.out.{m.group(1)}.'),
]
_MEAN_SHIFT = 'fc_dp7.4.running_mean'  # IRN's MeanShift: the displacement mean
_IRN_BACKBONE_STAGES = [
    (r'^stage1\.0\.', 'conv1.'), (r'^stage1\.1\.', 'bn1.'), (r'^stage2\.0\.', 'layer1.'),
    (r'^stage3\.0\.', 'layer2.'), (r'^stage4\.0\.', 'layer3.'), (r'^stage5\.0\.', 'layer4.'),
]


@CHECKPOINT_CONVERTERS.register_module(name='irn')
def convert_irn(state_dict):
    """Official ``res50_irn.pth`` (IRN's ``AffinityDisplacementLoss`` state dict) → ``IRNet``.

    The file repeats every weight (``resnet50.*`` = ``stage*`` = ``backbone.*``; the branches
    again under ``edge_layers.*`` / ``dp_layers.*``) and carries the training-only path
    indices (``path_indices*``, ``ind_from``, ``ind_to``): one copy of each weight is kept.
    ``fc_dp7.4.running_mean`` is IRN's ``MeanShift`` (the mean displacement that
    ``train_irn.py`` measures after training): it becomes ``displacement_mean``.
    """
    state_dict = {k[len('module.'):] if k.startswith('module.') else k: v
                  for k, v in state_dict.items()}
    if 'fc_edge6.weight' not in state_dict:
        raise KeyError('not an IRN boundary checkpoint (res50_irn.pth): no "fc_edge6.weight" '
                       f'key (first keys: {list(state_dict)[:5]})')
    has_resnet = any(k.startswith('resnet50.') for k in state_dict)
    out = {}
    for key, value in state_dict.items():
        new_key = _irn_key(key, has_resnet)
        if new_key is not None:
            out[new_key] = value
    return out


def _irn_key(key, has_resnet):
    """Our name of one official ``res50_irn.pth`` key (``None``: a duplicate or not a weight
    of IRNet). Files without the ``resnet50.*`` copy take the backbone from ``stage*``."""
    if key == _MEAN_SHIFT:
        return 'displacement_mean'
    for pattern, repl in _IRN_BRANCHES:
        match = re.match(pattern, key)
        if match:
            return repl(match) + key[match.end():]
    if has_resnet:
        if key.startswith('resnet50.') and not key.startswith('resnet50.fc.'):
            return 'backbone.' + key[len('resnet50.'):]
        return None
    for pattern, repl in _IRN_BACKBONE_STAGES:
        if re.match(pattern, key):
            return 'backbone.' + re.sub(pattern, repl, key)
    return None
