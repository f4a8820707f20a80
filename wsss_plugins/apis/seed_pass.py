"""Seed generation over a dataset split, through the one per-image runner
(``apis/per_image.py``: sharded over torchrun ranks, resumable, atomic, failures named)."""
import numpy as np
from PIL import Image

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


def image_size(item):
    """``(H, W)`` of an item's image from its header (the batch key of batched seeds)."""
    with Image.open(item['img_path']) as img:
        return img.size[::-1]


def generate_seeds(generator, dataset, out_dir, rank=0, world_size=1, batch_size=1):
    """Write ``<out_dir>/<name>.npy`` for this rank's share of ``dataset``.

    ``batch_size`` > 1: images of one size go through ``generator.batch`` together (a GPU
    option; on the CPU it pays only for small images: CAM 1.17× at 101×83, 0.85× at
    500×375, ``benchmarks/bench_cam.py``).

    Returns:
        dict(written=int, skipped=int, failures=[(name, message), ...]).
    """
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    items = [dict(info, name=sample_name(info)) for info in infos]

    def write_seeds(batch):
        imgs = [read_rgb(item['img_path']) for item in batch]
        keys = [np.flatnonzero(np.asarray(item['img_labels'])) for item in batch]
        for item, seed in zip(batch, generator.batch(imgs, keys, batch)):
            save_seed(seed_path(out_dir, item['name']), seed['keys'], seed['cam'],
                      seed['high_res'])

    if batch_size > 1:
        work, batching = write_seeds, dict(batch_size=batch_size, batch_key=image_size)
    else:
        work, batching = (lambda item: write_seeds([item])), {}
    return run_per_image(items, lambda item: seed_path(out_dir, item['name']), work, rank,
                         world_size, desc=f'seeds -> {out_dir}', **batching)
