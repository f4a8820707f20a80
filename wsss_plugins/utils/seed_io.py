"""The one seed-file writer/reader, in the IRN-family on-disk format (methods.md §0).

``<dir>/<name>.npy`` is ``np.save`` of a dict:

* ``keys``: torch LongTensor of the image's foreground class indices (0-based, no background);
* ``cam``: torch FloatTensor ``[K(+1), ceil(H/4), ceil(W/4)]`` (stride-4 map);
* ``high_res``: numpy float32 ``[K(+1), H, W]``.

AMN seeds carry a leading background channel (``K+1`` channels); IRN, AdvCAM
and W-OoD seeds do not.  The files load with the official tools
(``np.load(path, allow_pickle=True).item()``).
"""
import os.path as osp

import numpy as np
import torch
import torch.nn.functional as F

from .image import strided_size
from .io import atomic_write


class SeedDatasetMismatch(ValueError):
    """The seed directory does not belong to the dataset/split it is evaluated on."""


def seed_path(seed_dir, name):
    return osp.join(seed_dir, f'{name}.npy')


def save_seed(path, keys, cam, high_res):
    """Write one seed file atomically.

    Args:
        keys: foreground class indices present in the image (0-based).
        cam: ``[K or K+1, h4, w4]`` stride-4 map.
        high_res: ``[K or K+1, H, W]`` full-resolution map.
    """
    keys = torch.as_tensor(np.asarray(keys), dtype=torch.long)
    cam = torch.as_tensor(cam, dtype=torch.float32).detach().cpu()
    high_res = np.asarray(torch.as_tensor(high_res).detach().cpu(), dtype=np.float32)
    if cam.shape[0] != high_res.shape[0] or cam.shape[0] not in (len(keys), len(keys) + 1):
        raise ValueError(f'{path}: {len(keys)} keys but cam has {cam.shape[0]} and '
                         f'high_res {high_res.shape[0]} channels')
    with atomic_write(path) as f:
        np.save(f, {'keys': keys, 'cam': cam, 'high_res': high_res}, allow_pickle=True)


def load_seed(path):
    """Read a seed file. Returns dict(keys=np.int64[K], cam=np.float32[K', h4, w4],
    high_res=np.float32[K', H, W], has_bg=bool)."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'seed file not found: {path}')
    try:
        data = np.load(path, allow_pickle=True).item()
        keys = np.asarray(torch.as_tensor(data['keys']).cpu(), dtype=np.int64)
        cam = np.asarray(torch.as_tensor(data['cam']).cpu(), dtype=np.float32)
        high_res = np.asarray(data['high_res'], dtype=np.float32)
    except Exception as e:  # corrupt or foreign file
        raise ValueError(f'{path}: not a seed file in the IRN format ({e})') from e
    return dict(keys=keys, cam=cam, high_res=high_res,
                has_bg=high_res.shape[0] == len(keys) + 1)


def seed_to_label(seed, bg_threshold, key='high_res', power=1.0):
    """Seed → label map with a constant background channel (IRN ``eval_cam``).

    ``argmax([thr, cam_1..cam_K])`` mapped through ``keys + 1``. A background
    channel of the seed (AMN) is dropped first, as AMN's evaluation does.
    """
    maps = seed[key][1:] if seed['has_bg'] else seed[key]
    if power != 1.0:
        maps = maps ** power
    index = threshold_argmax(maps, bg_threshold)
    lut = np.concatenate([[0], seed['keys'] + 1]).astype(np.uint8)
    return lut[index]


def check_seed_dir(seed_dir, names):
    """Every image of the split must have a seed file; names a foreign directory clearly."""
    if not osp.isdir(seed_dir):
        raise SeedDatasetMismatch(f'seed directory not found: {seed_dir}')
    missing = [n for n in names if not osp.isfile(seed_path(seed_dir, n))]
    if not missing:
        return
    if len(missing) == len(names):
        raise SeedDatasetMismatch(
            f'{seed_dir}: no seed file for any of the {len(names)} images of the split '
            f'(e.g. {seed_path(seed_dir, names[0])}); is it a seed directory of another '
            'dataset or split?')
    raise SeedDatasetMismatch(
        f'{seed_dir}: {len(missing)} of {len(names)} images of the split have no seed file, '
        f'e.g. {seed_path(seed_dir, missing[0])} (unfinished make_seeds run?)')


def threshold_argmax(maps, threshold):
    """Index map of ``argmax([threshold, maps...])`` (0 = the constant background channel)."""
    bg = np.full((1,) + maps.shape[1:], threshold, dtype=maps.dtype)
    return np.argmax(np.concatenate([bg, maps]), 0)


def seed_from_class_dict(maps, path='<dict>'):
    """A reference-format seed ``{class index: float32 [H, W]}`` (ACR's ``infer_pl.py`` CAM
    dicts: the image's classes only, 0-based, already normalised) → ``(keys, cam, high_res)``
    for ``save_seed``. The stride-4 ``cam`` is the bilinear resize of the maps (the reference
    keeps no stride-4 map)."""
    if not isinstance(maps, dict) or not all(isinstance(k, (int, np.integer)) for k in maps):
        raise ValueError(f'{path}: expected a dict {{class index: [H, W] map}} (ACR format)')
    keys = sorted(int(k) for k in maps)
    if not keys:
        raise ValueError(f'{path}: no class maps (the reference writes the image\'s classes)')
    shapes = {np.shape(maps[k]) for k in keys}
    if len(shapes) != 1 or len(next(iter(shapes))) != 2:
        raise ValueError(f'{path}: class maps of different or non-2D shapes {sorted(shapes)}')
    high_res = np.stack([np.asarray(maps[k], np.float32) for k in keys])
    cam = F.interpolate(torch.from_numpy(high_res)[None], strided_size(high_res.shape[1:], 4),
                        mode='bilinear', align_corners=False)[0]
    return np.array(keys), cam, high_res
