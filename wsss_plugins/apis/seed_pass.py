"""Seed generation over a dataset split: sharded, resumable, failure-tolerant.

Rank r of a world of n processes takes images r, r+n, r+2n, ... (IRN's
``split_dataset`` does the same per GPU).  An image whose seed file exists is
skipped, every file is written atomically, and an image that fails is reported by
name while the others go on.
"""
import os.path as osp

import numpy as np

from ..registry import SEED_GENERATORS
from ..utils.io import progress
from ..utils.image import read_rgb
from ..utils.seed_io import save_seed, seed_path


def build_seed_generator(cfg, model):
    """``SEED_GENERATORS`` entry ``cfg['type']`` with the other keys as options.

    Looked up directly (not ``Registry.build``) so that a tool running under mmseg's
    default scope builds it without a scope fallback.
    """
    cfg = dict(cfg)
    name = cfg.pop('type')
    cls = SEED_GENERATORS.get(name)
    if cls is None:
        raise KeyError(f'unknown seed generator {name!r}; registered: '
                       f'{", ".join(SEED_GENERATORS.module_dict)}')
    return cls(model, **cfg)


def sample_name(data_info):
    return osp.splitext(osp.basename(data_info['img_path']))[0]


def generate_seeds(generator, dataset, out_dir, rank=0, world_size=1):
    """Write ``<out_dir>/<name>.npy`` for this rank's share of ``dataset``.

    Returns:
        dict(written=int, skipped=int, failures=[(name, message), ...]).
    """
    indices = range(rank, len(dataset), world_size)
    written, skipped, failures = 0, 0, []
    for index in progress(indices, total=len(indices), desc=f'seeds -> {out_dir}'):
        info = dataset.get_data_info(index)
        name = sample_name(info)
        path = seed_path(out_dir, name)
        if osp.isfile(path):
            skipped += 1
            continue
        try:
            img = read_rgb(info['img_path'])
            keys = np.flatnonzero(np.asarray(info['img_labels']))
            seed = generator(img, keys, data_info=info)
            save_seed(path, seed['keys'], seed['cam'], seed['high_res'])
            written += 1
        except Exception as e:  # noqa: BLE001 - reported per image, the others go on
            failures.append((name, f'{info["img_path"]}: {type(e).__name__}: {e}'))
    return dict(written=written, skipped=skipped, failures=failures)
