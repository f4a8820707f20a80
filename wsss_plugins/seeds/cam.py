"""IRN CAM seeds (``step/make_cam.py``, methods.md §0/§1)."""
import torch

from ..registry import SEED_GENERATORS
from .base import BaseSeedGenerator


@SEED_GENERATORS.register_module(name='CAM')
class CAMSeedGenerator(BaseSeedGenerator):
    """Per scale: ``relu(conv1x1(stage4))`` of the image plus the flipped-back map of
    its mirror (IRN ``CAM.forward``), restricted to the GT classes.

    A plain forward per scale leaves nothing to batch, so both modes run the same code.
    """

    def scale_maps(self, pair, scale, keys):
        with torch.no_grad():
            cam = self.model.cam(pair)
        return (cam[0] + cam[1].flip(-1))[keys]
