"""Inter-pixel-relation (IR) labels: IRN's two-threshold CRF (methods.md §0 step 4).

IRN ``step/cam_to_ir_label.py``: the seed's full-resolution maps get a constant
background channel twice — a high one (``conf_fg``: only confident foreground
survives) and a low one (``conf_bg``: only confident background stays background);
each argmax goes through the label-unary dense CRF (``IRN_LABEL_CRF``).  Then

    label = fg-pass label;  label[fg-pass == bg] = 255;  label[both passes bg] = 0,

i.e. foreground where the high threshold keeps it, background where even the
low threshold gives background, uncertain (255) in between.

Per-method thresholds: ``utils.protocols.PROTOCOLS[method]['ir_label']`` (AMN seeds have
their background channel dropped first, as ``amn_cam_to_ir_label.py`` does).
"""
import numpy as np

from ..utils.crf import IRN_LABEL_CRF, DenseCRF
from ..utils.seed_io import threshold_argmax

def combine_confident(fg_pass, bg_pass):
    """Merge the two CRF passes (labels with 0 = background) into an IR label map."""
    label = np.array(fg_pass, dtype=np.uint8, copy=True)
    label[fg_pass == 0] = 255
    label[(fg_pass == 0) & (bg_pass == 0)] = 0
    return label


def make_ir_label(img, seed, conf_fg, conf_bg, cam_power=1.0, crf=None):
    """IR label map (uint8: 0 = bg, 1..C = class, 255 = uncertain) of one image.

    Args:
        img: uint8 RGB ``[H, W, 3]`` (the raw image, as IRN reads it).
        seed: a ``load_seed`` dict; ``high_res`` is used, its bg channel dropped if any.
        conf_fg, conf_bg: the two constant background scores.
        cam_power: maps are raised to this power first (1 = IRN).
        crf: a ``DenseCRF`` with the label unary (default ``IRN_LABEL_CRF``).
    """
    passes = crf_passes(img, seed, (conf_fg, conf_bg), cam_power, crf)
    return combine_confident(passes[conf_fg], passes[conf_bg])


def crf_passes(img, seed, thresholds, cam_power=1.0, crf=None):
    """``{threshold: CRF label map (0 = bg, 1..C)}``: one label-unary CRF pass per constant
    background score, the building block of ``make_ir_label`` (threshold selection reuses
    each pass for every pair it belongs to)."""
    maps = seed['high_res'][1:] if seed['has_bg'] else seed['high_res']
    if maps.shape[1:] != img.shape[:2]:
        raise ValueError(f'seed maps {maps.shape[1:]} do not match the image {img.shape[:2]}')
    if cam_power != 1.0:
        maps = maps ** cam_power
    if maps.shape[0] == 0:  # no foreground class: the CRF needs >= 2 labels
        return {t: np.zeros(img.shape[:2], np.uint8) for t in thresholds}
    crf = crf or DenseCRF(**IRN_LABEL_CRF)
    lut = np.concatenate([[0], np.asarray(seed['keys'], dtype=np.int64) + 1]).astype(np.uint8)
    return {t: lut[crf(img, threshold_argmax(maps, t), n_labels=len(lut))]
            for t in dict.fromkeys(thresholds)}
