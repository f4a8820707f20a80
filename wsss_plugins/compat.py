"""Shims between the pinned stack's versions. Each names the version it is for.

Imported by ``wsss_plugins/__init__.py`` so that every config that says
``custom_imports=dict(imports=['wsss_plugins'])`` gets them before the Runner
loads a checkpoint.
"""
import functools

import torch


def _patch_mmengine_checkpoint_loading():
    """torch >= 2.6 loads with ``weights_only=True`` by default; mmengine 0.10.7
    (``runner/checkpoint.py::load_from_local`` and friends) calls ``torch.load``
    without the argument, and its own checkpoints hold ``HistoryBuffer``, numpy
    scalars and the config text in ``message_hub``/``meta``, so ``--resume``,
    ``load_from`` and ``tools/test.py CKPT`` fail with ``UnpicklingError``.
    mmengine fixed this on main (#1670) after 0.10.7; no release has it.

    We default ``weights_only=False`` for the loads mmengine makes (checkpoints
    the user chose to load, i.e. trusted files); an explicit argument wins.
    """
    import mmengine.runner.checkpoint as ckpt_module

    if getattr(ckpt_module.torch.load, '_wsss_patched', False):
        return
    original = torch.load

    @functools.wraps(original)
    def load(*args, **kwargs):
        kwargs.setdefault('weights_only', False)
        return original(*args, **kwargs)

    load._wsss_patched = True
    # Only mmengine's module sees the patched function: other callers keep
    # torch's safe default.
    ckpt_module.torch = _TorchProxy(load)


class _TorchProxy:
    """``torch`` as seen from mmengine's checkpoint module, with ``load`` replaced."""

    def __init__(self, load):
        self.load = load

    def __getattr__(self, name):
        return getattr(torch, name)


def apply():
    if tuple(int(v) for v in torch.__version__.split('+')[0].split('.')[:2]) >= (2, 6):
        _patch_mmengine_checkpoint_loading()
