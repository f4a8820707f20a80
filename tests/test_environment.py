"""The environment holds requirements/constraints.txt, the one source of pins (issue: a
later pip call once moved setuptools past 81 and broke the mmcv build on fresh machines)."""
import hashlib
import os.path as osp
import re
import subprocess
import sys
import warnings

import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))

CHECK_ENV = osp.join(REPO_ROOT, 'tools', 'check_env.py')
CONSTRAINTS = osp.join(REPO_ROOT, 'requirements', 'constraints.txt')
SETUP_ENV = osp.join(REPO_ROOT, 'tools', 'setup_env.sh')


def run_check(*args):
    return subprocess.run([sys.executable, CHECK_ENV, *args], capture_output=True, text=True)


def test_installed_versions_hold_every_pin_and_pip_check_passes():
    out = run_check()
    assert out.returncode == 0, out.stderr
    assert 'ok: all pins' in out.stdout


def test_a_pin_the_environment_does_not_hold_is_named_with_the_version_found(tmp_path):
    import numpy
    import setuptools
    bad = tmp_path / 'constraints.txt'
    bad.write_text('numpy==0.0.1  # impossible\nsetuptools<60\nno-such-package==1.0\n')
    out = run_check('--constraints', str(bad), '--no-pip-check')
    assert out.returncode == 1
    assert (f'numpy: {numpy.__version__} is installed, the constraints file wants ==0.0.1'
            in out.stderr)
    assert f'setuptools: {setuptools.__version__} is installed' in out.stderr
    assert 'no-such-package: not installed' in out.stderr


def test_setuptools_keeps_pkg_resources_for_the_mmcv_build():
    import setuptools
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')  # its own deprecation notice
        import pkg_resources  # noqa: F401  (removed in setuptools 81)
    assert int(setuptools.__version__.split('.')[0]) in range(77, 81)


def test_every_pip_call_of_the_setup_passes_the_constraints_file():
    text = open(SETUP_ENV).read().replace('\\\n', ' ')
    pip_calls = [line for line in text.splitlines()
                 if re.search(r'pip (install|download|wheel)\b|\$\{PIP\[@\]\}', line)
                 and not line.lstrip().startswith('#')]
    # build tools, torch, mmengine, mmcv source+wheel, crf, detectron2, stack
    assert len(pip_calls) >= 7
    for line in pip_calls:
        assert '${PIP[@]}' in line or '-c "$CONSTRAINTS"' in line, line
    assert re.search(r'PIP=\(.*-c "\$CONSTRAINTS"\)', text)


def test_setup_py_takes_the_stack_pins_from_the_constraints_file(tmp_path):
    out = subprocess.run([sys.executable, 'setup.py', '-q', 'egg_info', '--egg-base',
                          str(tmp_path)], cwd=REPO_ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    requires = (tmp_path / 'wsss_plugins.egg-info' / 'requires.txt').read_text().split()
    pins = [line.split('#')[0].strip() for line in open(CONSTRAINTS)]
    for name in ('torch', 'mmcv', 'mmengine', 'mmsegmentation', 'mmdet', 'pydensecrf2'):
        pin = next(p for p in pins if re.match(rf'{name}\b', p))
        assert pin in requires, (pin, requires)


def test_the_setup_stamp_records_this_recipe():
    stamp = osp.join(sys.prefix, '.wsss_setup_stamp')
    if not osp.exists(stamp):
        pytest.skip('not run in a venv made by tools/setup_env.sh')
    recipe = b''.join(open(osp.join(REPO_ROOT, f), 'rb').read()
                      for f in ('tools/setup_env.sh', 'setup.py', 'requirements/constraints.txt'))
    assert open(stamp).read().strip() == hashlib.sha256(recipe).hexdigest()


def test_torchvision_ops_and_detectron2_run_in_this_torch():
    """The reason for PyPI's torch build: torchvision's (and so Detectron2's) compiled ops
    load into it. NMS of three boxes: the second overlaps the first by IoU 0.81 and goes."""
    import torch
    import torchvision
    from detectron2.layers import ROIAlign
    boxes = torch.tensor([[0., 0., 10., 10.], [0., 0., 9., 10.], [20., 20., 30., 30.]])
    keep = torchvision.ops.nms(boxes, torch.tensor([0.9, 0.8, 0.7]), 0.5)
    assert keep.tolist() == [0, 2]
    feature = torch.arange(16.).reshape(1, 1, 4, 4)
    pooled = ROIAlign((1, 1), 1.0, 0, aligned=True)(feature, torch.tensor([[0., 0., 0., 4., 4.]]))
    assert pooled.item() == pytest.approx(feature.mean().item())
