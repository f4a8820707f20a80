"""Common frame of the seed generators: model in eval mode, the MSF helper, seed dict.

Modes (issue "speed"): ``reference`` runs the official computation on the model as it is
(the baseline the benchmarks measure against, and the fidelity check of the other mode);
``optimized`` runs an inference copy (``utils.inference.inference_copy``: BN folded into
the convolutions, oneDNN-packed stages on the CPU, NHWC on a GPU) under
``torch.inference_mode`` and, where a method allows, batches what the reference loops
over.  Both give the same seeds up to float rounding (≤ 1e-5, tested).

On top of ``optimized``: ``batch`` (several images of one size) runs their flip pairs as
one batch per scale, and ``autocast='bf16'`` runs the network in bfloat16 (the maps are
merged in float32).  Both are GPU options: on the CPU batching pays for small images only,
and bf16 is outside the 1e-5 tolerance (README "Speed").
"""
import contextlib

import torch

from ..utils.image import strided_size
from ..utils.inference import inference_copy
from .msf import multi_scale_maps

MODES = ('optimized', 'reference')
AUTOCAST_DTYPES = {'bf16': torch.bfloat16, 'fp16': torch.float16}


class BaseSeedGenerator:
    """Turns RGB images and their foreground class indices into IRN-format seeds.

    ``merge`` (class attribute) is the MSF merge of ``seeds.msf.merge_scales``;
    ``rewrites`` (class attribute) the inference rewrites of the optimized mode.

    Args:
        model: a trained classifier (e.g. ``CAMClassifier``); put in eval mode and its
            parameters frozen (seeds never need parameter gradients).
        scales: MSF scales (IRN ``cam_scales``).
        mode: ``'optimized'`` (default) or ``'reference'`` (the official computation).
        rewrites: the optimized mode's inference rewrites (``utils.inference.REWRITES``);
            ``None``: the generator's default.
        autocast: ``None`` (float32) or ``'bf16'`` / ``'fp16'``: the network under
            ``torch.autocast`` (optimized mode only).
    """

    merge = 'irn'
    rewrites = ('fold_bn', 'onednn')

    def __init__(self, model, scales=(1.0, 0.5, 1.5, 2.0), mode='optimized', rewrites=None,
                 autocast=None):
        if mode not in MODES:
            raise ValueError(f'mode must be one of {MODES}, got {mode!r}')
        if autocast is not None and autocast not in AUTOCAST_DTYPES:
            raise ValueError(f'autocast must be None or one of {sorted(AUTOCAST_DTYPES)}, '
                             f'got {autocast!r}')
        if autocast is not None and mode == 'reference':
            raise ValueError('autocast is an option of the optimized mode; the reference '
                             'mode runs in float32 as the official code')
        self.model = model.eval()
        for p in self.model.parameters():
            p.requires_grad_(False)
        self.scales = tuple(float(s) for s in scales)
        self.mode = mode
        self.autocast = autocast
        rewrites = () if mode == 'reference' else (self.rewrites if rewrites is None
                                                   else tuple(rewrites))
        # the network the generator runs: the model itself, or its inference copy
        self.net = inference_copy(self.model, rewrites) if rewrites else self.model

    @property
    def device(self):
        return next(self.model.parameters()).device

    def scale_order(self):
        """Order in which scales are processed (and their maps summed)."""
        return self.scales

    @contextlib.contextmanager
    def network(self):
        """Context of every forward-only network call: no autograd (inference mode when
        optimized), autocast when asked for."""
        with torch.no_grad() if self.mode == 'reference' else torch.inference_mode():
            if self.autocast is None:
                yield
            else:
                with torch.autocast(self.device.type, AUTOCAST_DTYPES[self.autocast]):
                    yield

    def scale_maps(self, pairs, scale, keys):
        """Flip pairs ``[2B, 3, h, w]`` (image b at rows 2b, 2b+1) and the class indices
        ``keys`` (B LongTensors) → B maps ``[K_b, h', w']`` (float32)."""
        raise NotImplementedError

    def __call__(self, img, keys, data_info=None):
        """One image → dict(keys LongTensor[K], cam [K, ceil(H/4), ceil(W/4)],
        high_res [K, H, W])."""
        return self.batch([img], [keys], [data_info])[0]

    def batch(self, imgs, keys, data_infos=None):
        """Seeds of images of one size, their flip pairs run as one batch per scale."""
        keys = [torch.as_tensor(k, dtype=torch.long).flatten() for k in keys]
        size = imgs[0].shape[:2]
        if any(img.shape[:2] != size for img in imgs):
            raise ValueError(f'a seed batch needs images of one size, got '
                             f'{sorted({tuple(i.shape[:2]) for i in imgs})}')
        seeds = [None] * len(imgs)
        todo = [i for i, k in enumerate(keys) if len(k)]
        for i, k in enumerate(keys):
            if not len(k):
                seeds[i] = dict(keys=k, cam=torch.zeros((0,) + strided_size(size, 4)),
                                high_res=torch.zeros((0,) + tuple(size)))
        if todo:
            on_device = [keys[i].to(self.device) for i in todo]
            merged = multi_scale_maps(
                [imgs[i] for i in todo], self.scale_order(),
                lambda pairs, scale: self.scale_maps(pairs, scale, on_device),
                device=self.device, merge=self.merge)
            for i, (cam, high_res) in zip(todo, merged):
                seeds[i] = dict(keys=keys[i], cam=cam, high_res=high_res)
        return seeds

