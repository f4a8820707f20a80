"""Official IRN / AdvCAM ``res50_cam.pth`` → ``CAMClassifier`` state dict.

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
