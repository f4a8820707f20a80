"""Inference copies of a trained model for the per-image passes (seeds on CPU and GPU).

The official seed scripts run the training graph as is.  For inference three rewrites are
exact up to float rounding (each is checked on a probe input when the copy is made):

* ``fold_batch_norms``: an eval-mode ``BatchNorm2d`` whose input is the output of a
  ``Conv2d`` (found by tracing one probe forward, not by module order) is folded into that
  convolution (``w·γ/σ``, ``β − μγ/σ + b·γ/σ``) and becomes ``Identity``: one pass over the
  activations less per convolution.  Pre-activation blocks (ResNet-38d: BN → ReLU → conv)
  have nothing to fold.
* ``onednn_islands`` (CPU, forward only): every direct child of a backbone runs on oneDNN
  tensors with weights reordered once (``torch.utils.mkldnn.to_mkldnn``) instead of on
  every call; activations are converted at the child boundaries, so hooks and Python code
  between the stages (AMN's label conditioning, ResNet-38d's tuple outputs) see ordinary
  tensors.  A child with an op oneDNN tensors lack stays as it was.
* ``channels_last`` (passes that need input gradients, AdvCAM; every pass on a GPU): NHWC
  weights, the layout oneDNN's and cuDNN's convolutions run natively (autograd works;
  oneDNN tensors have none).  ``onednn`` asked for off the CPU becomes ``channels_last``.

``inference_copy`` applies them to every ``backbone`` submodule of a deep copy of the
model; the model itself is never modified.  ``benchmarks/bench_seeds.py --ablation``
measures what each rewrite gains.
"""
import copy

import torch
import torch.nn as nn
import torch.utils.mkldnn
from torch.nn.utils.fusion import fuse_conv_bn_eval

REWRITES = ('fold_bn', 'onednn', 'channels_last')


def _probe(module, size=64):
    """A normalised-image-like probe batch ``[2, 3, size, size]`` on the module's device."""
    param = next(module.parameters())
    gen = torch.Generator().manual_seed(0)
    return torch.randn(2, 3, size, size, generator=gen).to(param.device, param.dtype)


def _probe_forward(module, probe, handles):
    """One forward of ``probe`` through ``module`` with the hooks ``handles``, then removed."""
    try:
        with torch.no_grad():
            module(probe)
    finally:
        for h in handles:
            h.remove()


def _conv_bn_pairs(module, probe):
    """``[(parent, conv_name, parent_of_bn, bn_name)]``: BNs fed directly by a conv's output."""
    owner = {m: (parent, name) for parent in module.modules()
             for name, m in parent.named_children()}
    produced, pairs = {}, []

    def after_conv(conv, args, out):
        produced[id(out)] = conv

    def before_bn(bn, args):
        conv = produced.get(id(args[0]))
        if conv is not None and not bn.training and bn.track_running_stats:
            pairs.append((conv, bn))

    handles = [m.register_forward_hook(after_conv) for m in module.modules()
               if type(m) is nn.Conv2d]
    handles += [m.register_forward_pre_hook(before_bn) for m in module.modules()
                if type(m) is nn.BatchNorm2d]
    _probe_forward(module, probe, handles)
    seen, unique = set(), []
    for conv, bn in pairs:  # a module called twice gives its pair twice
        if id(bn) not in seen:
            seen.add(id(bn))
            unique.append((owner[conv], owner[bn], conv, bn))
    return unique


def fold_batch_norms(module, probe=None):
    """Fold every traced conv → eval-BN pair of ``module`` in place; returns the count."""
    probe = _probe(module) if probe is None else probe
    pairs = _conv_bn_pairs(module, probe)
    for (conv_parent, conv_name), (bn_parent, bn_name), conv, bn in pairs:
        setattr(conv_parent, conv_name, fuse_conv_bn_eval(conv, bn))
        setattr(bn_parent, bn_name, nn.Identity())
    return len(pairs)


def _to_dense(out):
    if isinstance(out, torch.Tensor):
        return out.to_dense() if out.is_mkldnn else out
    if isinstance(out, (tuple, list)):
        return type(out)(_to_dense(o) for o in out)
    return out


class OneDNNIsland(nn.Module):
    """Runs ``module`` on oneDNN tensors (prepacked weights); dense tensors in and out."""

    def __init__(self, module):
        super().__init__()
        self.module = torch.utils.mkldnn.to_mkldnn(module)

    def forward(self, *args, **kwargs):
        args = [a.to_mkldnn() if isinstance(a, torch.Tensor) and a.is_floating_point() else a
                for a in args]
        return _to_dense(self.module(*args, **kwargs))


def onednn_islands(backbone, probe=None):
    """Replace every direct child of ``backbone`` that runs on oneDNN tensors by its island.

    Each child is tried on the input it receives in a probe forward; a child that raises
    (an op without a oneDNN kernel) or whose output differs stays dense.  Returns the names
    of the converted children.
    """
    probe = _probe(backbone) if probe is None else probe
    calls = {}

    def record(name):
        def hook(module, args, kwargs, out):
            calls.setdefault(name, (args, kwargs, out))
        return hook

    children = [(n, c) for n, c in backbone.named_children()
                if any(p.numel() for p in c.parameters())]
    handles = [c.register_forward_hook(record(n), with_kwargs=True) for n, c in children]
    _probe_forward(backbone, probe, handles)
    converted = []
    for name, child in children:
        if name not in calls:
            continue
        args, kwargs, expected = calls[name]
        try:
            island = OneDNNIsland(copy.deepcopy(child))
            with torch.no_grad():
                got = island(*args, **kwargs)
        except (RuntimeError, NotImplementedError, TypeError):
            continue
        if _max_difference(got, expected) <= 1e-4 * (_max_abs(expected) + 1):
            setattr(backbone, name, island)
            converted.append(name)
    return converted


def _flatten(out):
    if isinstance(out, torch.Tensor):
        return [out]
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flatten(o)]
    return []


def _max_abs(out):
    return max((float(t.abs().max()) for t in _flatten(out) if t.numel()), default=0.)


def _max_difference(a, b):
    fa, fb = _flatten(a), _flatten(b)
    if len(fa) != len(fb) or any(x.shape != y.shape for x, y in zip(fa, fb)):
        return float('inf')
    return max((float((x - y).abs().max()) for x, y in zip(fa, fb) if x.numel()), default=0.)


def backbones(model):
    """The ``backbone`` submodules of ``model`` (mmseg models, ACR's two networks)."""
    return [m for name, m in model.named_modules() if name.rsplit('.', 1)[-1] == 'backbone']


def inference_copy(model, rewrites=('fold_bn', 'onednn')):
    """A frozen eval-mode deep copy of ``model`` with ``rewrites`` (see module docstring)
    applied to its backbones (a model without a ``backbone`` is copied unchanged).

    Raises ``ValueError`` when a rewrite changes a
    backbone's probe output by more than float rounding (a conv output that feeds more
    than its BN, e.g.): the caller names the rewrite to drop.
    """
    unknown = set(rewrites) - set(REWRITES)
    if unknown:
        raise ValueError(f'unknown inference rewrites {sorted(unknown)}; known: {REWRITES}')
    fast = copy.deepcopy(model)
    fast.eval()  # (mmseg's ResNet.train returns None: no chaining)
    for p in fast.parameters():
        p.requires_grad_(False)
    for backbone in backbones(fast):
        probe = _probe(backbone)
        with torch.no_grad():
            expected = backbone(probe)
        if 'fold_bn' in rewrites:
            fold_batch_norms(backbone, probe)
        onednn = 'onednn' in rewrites and probe.device.type == 'cpu' \
            and torch.backends.mkldnn.is_available()
        if onednn:
            onednn_islands(backbone, probe)
        if 'channels_last' in rewrites or ('onednn' in rewrites and not onednn):
            backbone.to(memory_format=torch.channels_last)
        with torch.no_grad():
            got = backbone(probe)
        if _max_difference(got, expected) > 1e-4 * (_max_abs(expected) + 1):
            raise ValueError(
                f'inference rewrites {tuple(rewrites)} change the output of '
                f'{type(backbone).__name__} by {_max_difference(got, expected):.3g}; '
                'run the seed pass without them (mode="reference" or rewrites=())')
    return fast
