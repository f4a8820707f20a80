"""Seed generation over a dataset split, through the one per-image runner
(``apis/per_image.py``: sharded over torchrun ranks, resumable, atomic, failures named)."""
import numpy as np

from ..registry import SEED_GENERATORS
from ..utils.image import read_rgb
from ..utils.seed_io import save_seed, seed_path
from .per_image import run_per_image, sample_name


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


def generate_seeds(generator, dataset, out_dir, rank=0, world_size=1):
    """Write ``<out_dir>/<name>.npy`` for this rank's share of ``dataset``.

    Returns:
        dict(written=int, skipped=int, failures=[(name, message), ...]).
    """
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    items = [dict(info, name=sample_name(info)) for info in infos]

    def write_seed(item):
        img = read_rgb(item['img_path'])
        keys = np.flatnonzero(np.asarray(item['img_labels']))
        seed = generator(img, keys, data_info=item)
        save_seed(seed_path(out_dir, item['name']), seed['keys'], seed['cam'], seed['high_res'])

    return run_per_image(items, lambda item: seed_path(out_dir, item['name']), write_seed,
                         rank, world_size, desc=f'seeds -> {out_dir}')
