"""ACR seeds (the official ``Exp.infer`` / ``infer_pl.py``; wave2.md §3.4).

Per scale (0.5, 1.0, 1.5, 2.0; Pillow bicubic, the shared MSF input) the classifier's raw
maps of the image and of its mirror (flipped back) are each upsampled bilinearly to the
scale-1.0 size and ReLU'd, then everything is summed over flips and scales, restricted to
the image's classes and min-max normalised per class (``msf.merge_scales(merge='acr')``).
The package's seed format (``keys``, stride-4 ``cam``, ``high_res``) replaces the
reference's ``{class: map}`` dict (``tools/convert_seeds.py --src acr`` reads that).
"""
import torch.nn.functional as F

from ..registry import SEED_GENERATORS
from .base import BaseSeedGenerator


@SEED_GENERATORS.register_module(name='ACR')
class ACRSeedGenerator(BaseSeedGenerator):
    """Seeds of a trained ``ACR`` model (its classifier); one forward per scale."""

    merge = 'acr'

    def batch(self, imgs, keys, data_infos=None):
        self._size = imgs[0].shape[:2]  # the scale-1.0 size every scale is resized to
        return super().batch(imgs, keys, data_infos)

    def scale_maps(self, pairs, scale, keys):
        with self.network():
            maps = self.net.class_maps(pairs).float()
        out = []
        for b, k in enumerate(keys):
            pair = F.relu(F.interpolate(maps[2 * b:2 * b + 2, k], self._size, mode='bilinear',
                                        align_corners=False))
            out.append(pair[0] + pair[1].flip(-1))
        return out
