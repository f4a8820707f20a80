"""Pseudo instance masks against ground-truth instances (``SegmentationObject`` PNGs).

In the VOC layout instance k of an image is its k-th XML object (value k in the PNG; 0 is
background and 255 the unlabelled boundary), so box k's pseudo mask is compared with GT
instance k+1. IoU excludes the 255 pixels from both masks (the SDS/BBTP convention,
wave2.md §1.9).
"""
import numpy as np


def instance_ious(masks, instance_map):
    """IoU of ``masks[k]`` (bool/uint8 ``[H, W]``) with GT instance k+1 of ``instance_map``."""
    valid = instance_map != 255
    ious = []
    for k, mask in enumerate(masks):
        pred, gt = (mask > 0) & valid, instance_map == k + 1
        union = (pred | gt).sum()
        ious.append(float((pred & gt).sum() / union) if union else 0.0)
    return ious
