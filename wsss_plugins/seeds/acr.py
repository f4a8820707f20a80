"""ACR seeds (the official ``Exp.infer`` / ``infer_pl.py``; wave2.md §3.4).

Per scale (0.5, 1.0, 1.5, 2.0; Pillow bicubic, the shared MSF input) the classifier's raw
maps of the image and of its mirror (flipped back) are each upsampled bilinearly to the
scale-1.0 size and ReLU'd, then everything is summed over flips and scales, restricted to
the image's classes and min-max normalised per class (``msf.merge_scales(merge='acr')``).
The package's seed format (``keys``, stride-4 ``cam``, ``high_res``) replaces the
reference's ``{class: map}`` dict (``tools/convert_seeds.py --src acr`` reads that).
"""
import torch
import torch.nn.functional as F

from ..registry import SEED_GENERATORS
from .base import BaseSeedGenerator


@SEED_GENERATORS.register_module(name='ACR')
class ACRSeedGenerator(BaseSeedGenerator):
    """Seeds of a trained ``ACR`` model (its classifier); one forward per scale."""

    merge = 'acr'

    def __call__(self, img, keys, data_info=None):
        self._size = img.shape[:2]  # the scale-1.0 size every scale is resized to
        return super().__call__(img, keys, data_info)

    def scale_maps(self, pair, scale, keys):
        with torch.no_grad():
            maps = self.model.class_maps(pair)[:, keys]
        maps = F.relu(F.interpolate(maps, self._size, mode='bilinear', align_corners=False))
        return maps[0] + maps[1].flip(-1)
