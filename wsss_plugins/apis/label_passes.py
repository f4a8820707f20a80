"""Dataset-level drivers of ``tools/make_ir_labels.py`` and ``tools/make_pseudo_labels.py``.

Both write ``<out>/<name>.png`` per image of a split through the one per-image runner
(``apis/per_image.py``: sharded over torchrun ranks, atomic, resumable), check up front
that the seed directory matches the dataset (a seed per image, of the image's size and
classes), and, when the split has ground truth, write ``<out>/report.json`` with the mIoU
of the whole directory (``ConfusionMatrix``: 255 counts as background, as IRN's
``eval_sem_seg``).
"""
import json
import os
import os.path as osp
from functools import partial

import numpy as np
from mmengine.dist import barrier, get_dist_info

from ..evaluation.label_eval import evaluate_label_dir
from ..refine.ir_label import make_ir_label
from ..refine.random_walk import random_walk_label
from ..utils.image import normalize, read_rgb, strided_size
from ..utils.io import atomic_save_png, atomic_write
from ..utils.seed_io import check_seed_dir, load_seed, seed_path
from .per_image import raise_on_failures, run_per_image, sample_name


def split_items(cfg, split):
    """``(dataset, items)`` of a split (a name or a role such as ``'train_split'``);
    ``dataset`` carries GT seg maps when they exist.

    ``items``: dicts ``name, img_path, img_labels`` (and ``seg_map_path`` with GT).
    """
    from ..datasets import DataError, DatasetConfigError, build_split_dataset
    try:
        dataset = build_split_dataset(cfg, split, seg_map_path='gt', pipeline=[])
    except (DataError, DatasetConfigError):  # no ground truth: labels only, no report
        dataset = build_split_dataset(cfg, split, seg_map_path=None, pipeline=[])
    items = []
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        items.append(dict(name=sample_name(info), img_path=info['img_path'],
                          img_labels=info['img_labels'],
                          seg_map_path=info.get('seg_map_path')))
    return dataset, items


def load_checked_seed(seed_dir, item, img_size):
    """``load_seed`` + checks against the image: size, stride-4 size, classes."""
    path = seed_path(seed_dir, item['name'])
    seed = load_seed(path)
    height, width = img_size
    if seed['high_res'].shape[1:] != (height, width):
        raise ValueError(f'{path}: high_res is {seed["high_res"].shape[1:]} but the image '
                         f'{item["img_path"]} is {(height, width)} (seeds of another dataset?)')
    strided = strided_size((height, width), 4)
    if seed['cam'].shape[1:] != strided:
        raise ValueError(f'{path}: cam is {seed["cam"].shape[1:]}, expected the stride-4 '
                         f'size {strided} of a {height}x{width} image')
    expected = np.flatnonzero(item['img_labels'])
    if not np.array_equal(np.sort(seed['keys']), expected):
        raise ValueError(f'{path}: seed classes {seed["keys"].tolist()} differ from the image '
                         f'labels {expected.tolist()} of {item["img_path"]} (0-based, no bg)')
    return seed


def _ir_label_job(item, seed_dir, out_dir, params):
    img = read_rgb(item['img_path'])
    seed = load_checked_seed(seed_dir, item, img.shape[:2])
    atomic_save_png(_png(out_dir, item), make_ir_label(img, seed, **params))


def _png(out_dir, item):
    return osp.join(out_dir, item['name'] + '.png')


def _finish(result, what, dataset, items, out_dir, settings):
    """Raise on failed images; after every rank is done, rank 0 writes the report."""
    raise_on_failures(result, what)
    barrier()
    return write_report(dataset, items, out_dir, settings) if get_dist_info()[0] == 0 else None


def generate_ir_labels(cfg, split, seed_dir, out_dir, conf_fg, conf_bg, cam_power=1.0,
                       nproc=1):
    """IR label PNGs of a split (0 = bg, 1..C, 255 = uncertain). Returns the report or None.

    Sharded over torchrun ranks; ``nproc`` CRF worker processes per rank."""
    dataset, items = split_items(cfg, split)
    check_seed_dir(seed_dir, [it['name'] for it in items])
    os.makedirs(out_dir, exist_ok=True)
    params = dict(conf_fg=conf_fg, conf_bg=conf_bg, cam_power=cam_power)
    job = partial(_ir_label_job, seed_dir=seed_dir, out_dir=out_dir, params=params)
    result = run_per_image(items, partial(_png, out_dir), job, *get_dist_info(), nproc=nproc,
                           desc='IR labels')
    return _finish(result, f'IR labels in {out_dir}', dataset, items, out_dir, dict(
        stage='ir_label', split=split, seed_dir=seed_dir, **params))


def generate_pseudo_labels(model, cfg, split, seed_dir, out_dir, bg_threshold=0.25,
                           cam_power=1.0, beta=10, exp_times=8, radius=5, method='sparse'):
    """Random-walk pseudo-label PNGs (0..C) of a split. Returns the report or None.

    Sharded over torchrun ranks."""
    dataset, items = split_items(cfg, split)
    check_seed_dir(seed_dir, [it['name'] for it in items])
    os.makedirs(out_dir, exist_ok=True)
    walk = dict(bg_threshold=bg_threshold, cam_power=cam_power, beta=beta,
                exp_times=exp_times, radius=radius, method=method)

    device = next(model.parameters()).device  # the walk runs where IRN runs

    def random_walk(item):
        img = read_rgb(item['img_path'])
        seed = load_checked_seed(seed_dir, item, img.shape[:2])
        atomic_save_png(_png(out_dir, item),
                        random_walk_label(seed, predict_edge(model, img), img.shape[:2],
                                          device=device, **walk))

    result = run_per_image(items, partial(_png, out_dir), random_walk, *get_dist_info(),
                           desc='random walk')
    return _finish(result, f'pseudo labels in {out_dir}', dataset, items, out_dir, dict(
        stage='pseudo_label', split=split, seed_dir=seed_dir, **walk))


def predict_edge(model, img):
    """IRN's boundary map ``[h, w]`` (stride 4, CPU) of a uint8 RGB image, from IRN's float64
    normalisation as the seed passes (not the preprocessor's float32)."""
    import torch
    device = next(model.parameters()).device
    edge, _ = model.predict_edge(torch.from_numpy(normalize(img))[None].to(device))
    return edge.cpu()


def write_report(dataset, items, out_dir, settings):
    """``<out_dir>/report.json`` when the split has ground truth; returns it (or None)."""
    if not items or items[0]['seg_map_path'] is None:
        return None
    classes = dataset.metainfo['classes']
    report = dict(settings, num_images=len(items),
                  **evaluate_label_dir(items, out_dir, len(classes), classes))
    with atomic_write(osp.join(out_dir, 'report.json'), 'w') as f:
        json.dump(report, f, indent=2)
    return report
