"""IRN CAM seeds (``step/make_cam.py``, methods.md §0/§1)."""
import torch

from ..registry import SEED_GENERATORS
from .base import BaseSeedGenerator


@SEED_GENERATORS.register_module(name='CAM')
class CAMSeedGenerator(BaseSeedGenerator):
    """Per scale: ``relu(conv1x1(stage4))`` of the image plus the flipped-back map of
    its mirror (IRN ``CAM.forward``), restricted to the GT classes.

    ``reference`` is ``make_cam.py`` step for step: the maps of every class go through the
    multi-scale merge and the image's classes are picked at the end.  ``optimized`` runs
    the inference copy and resizes only the image's classes (the merge is per
    class, so the seeds are the same).
    """

    def batch(self, imgs, keys, data_infos=None):
        if self.mode == 'optimized':
            return super().batch(imgs, keys, data_infos)
        keys = [torch.as_tensor(k, dtype=torch.long).flatten() for k in keys]
        every = torch.arange(self.model.classifier.out_channels)
        seeds = super().batch(imgs, [every if len(k) else k for k in keys], data_infos)
        return [dict(keys=k, cam=s['cam'][k], high_res=s['high_res'][k]) if len(k) else s
                for s, k in zip(seeds, keys)]

    def scale_maps(self, pairs, scale, keys):
        with self.network():
            cam = self.net.cam(pairs).float()
        return [cam[2 * b, k] + cam[2 * b + 1, k].flip(-1) for b, k in enumerate(keys)]
