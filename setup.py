import os.path as osp
import re

from setuptools import find_packages, setup

# The stack's pins come from requirements/constraints.txt, the one source of pins
# (tools/setup_env.sh installs under it; tools/check_env.py verifies it).
STACK = ['torch', 'torchvision', 'mmengine', 'mmcv', 'mmsegmentation', 'mmdet', 'pycocotools', 'pydensecrf2']


def pinned(names):
    path = osp.join(osp.dirname(osp.abspath(__file__)), 'requirements', 'constraints.txt')
    lines = [line.split('#', 1)[0].strip() for line in open(path)]
    pins = {}
    for line in filter(None, lines):
        pins[re.match(r'[A-Za-z0-9._-]+', line).group().lower()] = line
    return [pins.get(name, name) for name in names]


setup(
    name='wsss_plugins',
    version='0.1.0',
    description='OpenMMLab-native toolbox for weakly supervised segmentation '
                '(CAM, AdvCAM, AMN, W-OoD, IRN, BBAM; MMSeg/MMDet and Detectron2)',
    packages=find_packages(include=['wsss_plugins', 'wsss_plugins.*']),
    python_requires='>=3.11',
    install_requires=pinned(STACK) + [
        'ftfy', 'regex', 'tqdm', 'matplotlib', 'scipy', 'imageio',
    ],
    # Detectron2 is not on PyPI: tools/setup_env.sh builds it from source before this install.
    extras_require={'tests': ['pytest', 'pytest-timeout'], 'detectron2': pinned(['detectron2'])},
)
