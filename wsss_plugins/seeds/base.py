"""Common frame of the seed generators: model in eval mode, the MSF helper, seed dict."""
import torch

from ..utils.image import strided_size
from .msf import multi_scale_maps

MODES = ('optimized', 'reference')


class BaseSeedGenerator:
    """Turns one RGB image and its foreground class indices into an IRN-format seed.

    ``merge`` (class attribute) is the MSF merge of ``seeds.msf.merge_scales``.

    Args:
        model: a trained classifier (e.g. ``CAMClassifier``); put in eval mode and its
            parameters frozen (seeds never need parameter gradients).
        scales: MSF scales (IRN ``cam_scales``).
        mode: ``'optimized'`` (default) or ``'reference'`` (the official loop order);
            both give the same seeds up to float rounding.
    """

    merge = 'irn'

    def __init__(self, model, scales=(1.0, 0.5, 1.5, 2.0), mode='optimized'):
        if mode not in MODES:
            raise ValueError(f'mode must be one of {MODES}, got {mode!r}')
        self.model = model.eval()
        for p in self.model.parameters():
            p.requires_grad_(False)
        self.scales = tuple(float(s) for s in scales)
        self.mode = mode

    @property
    def device(self):
        return next(self.model.parameters()).device

    def scale_order(self):
        """Order in which scales are processed (and their maps summed)."""
        return self.scales

    def scale_maps(self, pair, scale, keys):
        """``[2, 3, h, w]`` image pair → ``[K, h', w']`` maps of the classes ``keys``."""
        raise NotImplementedError

    def __call__(self, img, keys, data_info=None):
        """Returns dict(keys LongTensor[K], cam [K, ceil(H/4), ceil(W/4)], high_res [K, H, W])."""
        keys = torch.as_tensor(keys, dtype=torch.long).flatten()
        size = img.shape[:2]
        if len(keys) == 0:
            return dict(keys=keys, cam=torch.zeros((0,) + strided_size(size, 4)),
                        high_res=torch.zeros((0,) + tuple(size)))
        cam, high_res = multi_scale_maps(
            img, self.scale_order(),
            lambda pair, scale: self.scale_maps(pair, scale, keys.to(self.device)),
            device=self.device, merge=self.merge)
        return dict(keys=keys, cam=cam, high_res=high_res)
