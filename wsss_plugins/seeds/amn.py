"""AMN seeds (``step/make_amn_cam.py``, methods.md §4.1 step 3, §4.2 "Inference").

Per scale (1.0, 0.5, 1.5, 2.0; IRN's MSF input, ``msf.flip_pair``) the label-conditioned
logits are ``½(logit(img) + flip(logit(flipped img)))``.  They are resized bilinearly to
the stride-4 size and to the exact image size and **averaged** over scales (IRN's CAM
merge sums at the stride-16-rounded size and max-normalises instead), then

1. softmax over the C+1 channels, restricted to ``[bg] + image classes``;
2. per-channel min-max normalisation over the whole map, applied **only where the stage-1
   IR label (the CAM-stage IR label PNG, resized with PIL NEAREST) is not background**;
   confident-background pixels keep the raw probability.

The file keeps the background channel (K+1 channels; ``utils.seed_io`` format, ``has_bg``),
which every consumer drops (``seed_to_label``, ``make_ir_label``).

Downstream protocol of AMN seeds: ``utils.protocols.PROTOCOLS['amn']`` (``'amn_coco'``:
random-walk background 0.22).
"""
import os.path as osp

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from ..utils.image import resize_label_pil, strided_size
from ..registry import SEED_GENERATORS
from .base import BaseSeedGenerator
from .msf import flip_pair

def conditional_min_max(probs, ir_label):
    """Min-max normalise every channel of ``probs [K+1, h, w]`` over the whole map and
    keep the result only where ``ir_label [h, w]`` is not background (0)."""
    lo = probs.amin((1, 2), keepdim=True)
    hi = probs.amax((1, 2), keepdim=True)
    norm = (probs - lo) / (hi - lo + 1e-5)
    not_bg = torch.as_tensor(ir_label != 0, device=probs.device)[None]
    return torch.where(not_bg, norm, probs)


def amn_postprocess(logits, keys, ir_label):
    """Averaged logits ``[C+1, h, w]`` → AMN seed map ``[K+1, h, w]`` (steps 1-2)."""
    index = torch.cat([keys.new_zeros(1), keys + 1])
    probs = F.softmax(logits.float(), dim=0)[index]
    return conditional_min_max(probs, resize_label_pil(ir_label, probs.shape[1:]))


@SEED_GENERATORS.register_module(name='AMN')
class AMNSeedGenerator(BaseSeedGenerator):
    """Seeds of a trained ``AMN`` model.

    Args:
        model: the ``AMN`` model.
        ir_label_dir: the stage-1 (CAM) IR label PNGs the model was trained on; absolute,
            or relative to ``data_root`` when given (as the dataset's ``seg_map_path``).
        data_root: see ``ir_label_dir``.
        dropout_at_inference: ``None`` keeps the model's setting; ``True`` reproduces the
            reference's always-active dropout (random seeds), ``False`` is deterministic.
    """

    def __init__(self, model, ir_label_dir, data_root=None, scales=(1.0, 0.5, 1.5, 2.0),
                 dropout_at_inference=None, mode='optimized'):
        if dropout_at_inference is not None:
            model.dropout_at_inference = dropout_at_inference
        super().__init__(model, scales=scales, mode=mode)
        if data_root and not osp.isabs(ir_label_dir):
            ir_label_dir = osp.join(data_root, ir_label_dir)
        if not osp.isdir(ir_label_dir):
            raise FileNotFoundError(f'AMN seeds: IR label directory not found: {ir_label_dir} '
                                    '(the CAM-stage IR labels AMN was trained on)')
        self.ir_label_dir = ir_label_dir

    def load_ir_label(self, data_info, size):
        name = osp.splitext(osp.basename(data_info['img_path']))[0]
        path = osp.join(self.ir_label_dir, name + '.png')
        if not osp.isfile(path):
            raise FileNotFoundError(f'AMN seeds: no IR label for {name}: {path}')
        label = np.asarray(Image.open(path))
        if label.ndim != 2:
            raise ValueError(f'{path}: IR label must be a single-channel PNG, got {label.shape}')
        return resize_label_pil(label, size)

    def scale_logits(self, pair, labels):
        """``½(logit(img) + flip(logit(flipped img)))`` of one scale, ``[C+1, h, w]``."""
        with self.network():
            logits = self.net.logits(pair, labels.expand(len(pair), -1)).float()
        return (logits[0] + logits[1].flip(-1)) / 2

    def batch(self, imgs, keys, data_infos=None):
        """Image by image: each image has its own IR label and label conditioning."""
        data_infos = data_infos or [None] * len(imgs)
        return [self(img, k, info) for img, k, info in zip(imgs, keys, data_infos)]

    def __call__(self, img, keys, data_info=None):
        """dict(keys LongTensor[K], cam [K+1, ceil(H/4), ceil(W/4)], high_res [K+1, H, W])."""
        if data_info is None:
            raise ValueError('AMN seeds need data_info (img_path) to find the IR label')
        keys = torch.as_tensor(keys, dtype=torch.long).flatten()
        size = tuple(img.shape[:2])
        ir_label = self.load_ir_label(data_info, size)
        labels = torch.zeros(1, self.model.num_fg_classes, device=self.device)
        labels[0, keys.to(self.device)] = 1.
        maps = [self.scale_logits(flip_pair(img, s).to(self.device), labels).float().cpu()
                for s in self.scale_order()]
        strided = torch.stack([F.interpolate(m[None], strided_size(size, 4), mode='bilinear',
                                             align_corners=False)[0] for m in maps]).mean(0)
        full = torch.stack([F.interpolate(m[None], size, mode='bilinear',
                                          align_corners=False)[0] for m in maps]).mean(0)
        return dict(keys=keys, cam=amn_postprocess(strided, keys, ir_label),
                    high_res=amn_postprocess(full, keys, ir_label))
