"""The one multi-scale + flip inference helper of every seed generator (methods.md §0).

It rebuilds IRN's ``VOC12ClassificationDatasetMSF`` input exactly (Pillow bicubic
resize per scale, ImageNet normalisation in float64 → float32, ``[img, hflip(img)]``
as one batch of 2) and IRN's merge (``step/make_cam.py``): every scale's per-class
map is resized bilinearly (``align_corners=False``) to the stride-4 size and to
the stride-16-rounded full size, summed over scales, the full-size map is cropped
to H×W, and every class is divided by its own max + 1e-5.

Generators differ only in the per-scale function ``fn(pair, scale) -> [K, h, w]``
(flip already merged into the map), so CAM, AdvCAM and AMN share this file.
"""
import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from ..utils.image import min_max_norm, normalize, strided_size, strided_up_size

def rescale(img, scale):
    """IRN ``imutils.pil_rescale(img, s, order=3)``: Pillow bicubic to round(h·s) × round(w·s)."""
    h, w = img.shape[:2]
    size = (int(np.round(h * scale)), int(np.round(w * scale)))
    if size == (h, w):
        return img
    return np.asarray(Image.fromarray(img).resize(size[::-1], Image.BICUBIC))


def flip_pair(img, scale):
    """``[img, hflip(img)]`` at one scale, ``[2, 3, h, w]`` float32."""
    x = torch.from_numpy(normalize(img if scale == 1 else rescale(img, scale)))
    return torch.stack([x, x.flip(-1)])


def merge_scales(maps, size, merge='irn'):
    """Sum the per-scale maps ``[K, h_s, w_s]`` at stride 4 and at full size; normalise.

    ``merge='irn'``: the full-size sum at the stride-16-rounded size, cropped, each class
    divided by its max + 1e-5 (IRN). ``'acr'``: the full-size sum at exactly H×W and each
    class min-max normalised (``utils.image.min_max_norm``, ACR's ``max_norm``).

    Returns ``(cam [K, ceil(H/4), ceil(W/4)], high_res [K, H, W])`` on the CPU.
    """
    if merge not in ('irn', 'acr'):
        raise ValueError(f'merge must be "irn" or "acr", got {merge!r}')
    maps = [m.detach().float().cpu() for m in maps]
    cam = torch.sum(torch.stack([
        F.interpolate(m[None], strided_size(size, 4), mode='bilinear', align_corners=False)[0]
        for m in maps]), 0)
    full = strided_up_size(size, 16) if merge == 'irn' else size
    high_res = torch.sum(torch.stack([
        F.interpolate(m[:, None], full, mode='bilinear', align_corners=False)
        for m in maps]), 0)[:, 0, :size[0], :size[1]]
    if merge == 'acr':
        return min_max_norm(cam), min_max_norm(high_res)
    cam /= F.adaptive_max_pool2d(cam, (1, 1)) + 1e-5
    high_res /= F.adaptive_max_pool2d(high_res, (1, 1)) + 1e-5
    return cam, high_res


def multi_scale_maps(imgs, scales, fn, device='cpu', merge='irn'):
    """Run ``fn(pairs, scale)`` for every scale in the given order and merge (IRN MSF).

    Args:
        imgs: RGB uint8 images ``[H, W, 3]`` of one size.
        scales: scales in processing order (the summation order of the merge).
        fn: per-scale function: the images' flip pairs stacked, ``[2B, 3, h, w]`` on
            ``device`` (image b at rows 2b, 2b+1) → B maps ``[K_b, h', w']``.
        merge: ``merge_scales``'s normalisation (``'irn'`` or ``'acr'``).

    Returns:
        B ``(cam, high_res)`` pairs (``merge_scales``).
    """
    per_scale = [fn(torch.cat([flip_pair(img, s) for img in imgs]).to(device), s)
                 for s in scales]
    size = imgs[0].shape[:2]
    return [merge_scales([maps[b] for maps in per_scale], size, merge)
            for b in range(len(imgs))]
