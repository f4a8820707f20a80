"""Dataset-level drivers of ``tools/make_ir_labels.py`` and ``tools/make_pseudo_labels.py``.

Both write ``<out>/<name>.png`` per image of a split (atomic; existing files are
skipped, so an interrupted run resumes), check up front that the seed directory
matches the dataset (a seed per image, of the image's size and classes), and, when
the split has ground truth, write ``<out>/report.json`` with the mIoU of the whole
directory (``ConfusionMatrix``: 255 counts as background, as IRN's ``eval_sem_seg``).
"""
import json
import os
import os.path as osp
from functools import partial

import numpy as np
from PIL import Image

from ..evaluation.confusion import ConfusionMatrix
from ..seeds.io import load_seed, seed_path
from ..utils.io import atomic_save_png, atomic_write, progress
from .crf import parallel_map
from .ir_label import make_ir_label
from .random_walk import random_walk_label


def read_rgb(path):
    """uint8 RGB ``[H, W, 3]`` decoded by Pillow (as IRN's imageio)."""
    return np.asarray(Image.open(path).convert('RGB'))


def split_items(cfg, split, data_root=None):
    """``(dataset, items)`` of a split; ``dataset`` carries GT seg maps when they exist.

    ``items``: dicts ``name, img_path, img_labels`` (and ``seg_map_path`` with GT).
    """
    from ..datasets import DataError, build_split_dataset
    try:
        dataset = build_split_dataset(cfg, split, seg_map_path='gt', pipeline=[],
                                      data_root=data_root)
    except DataError:  # no ground truth for this split: labels only, no report
        dataset = build_split_dataset(cfg, split, seg_map_path=None, pipeline=[],
                                      data_root=data_root)
    items = []
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        items.append(dict(name=osp.splitext(osp.basename(info['img_path']))[0],
                          img_path=info['img_path'], img_labels=info['img_labels'],
                          seg_map_path=info.get('seg_map_path')))
    return dataset, items


def check_seed_dir(seed_dir, items):
    """Every image of the split has a seed file (else: which and how many are missing)."""
    if not osp.isdir(seed_dir):
        raise FileNotFoundError(f'seed directory not found: {seed_dir}')
    missing = [it['name'] for it in items if not osp.isfile(seed_path(seed_dir, it['name']))]
    if missing:
        raise FileNotFoundError(
            f'{len(missing)} of {len(items)} images have no seed in {seed_dir}, e.g. '
            f'{seed_path(seed_dir, missing[0])} (seeds of another dataset or split?)')


def load_checked_seed(seed_dir, item, img_size):
    """``load_seed`` + checks against the image: size, stride-4 size, classes."""
    path = seed_path(seed_dir, item['name'])
    seed = load_seed(path)
    height, width = img_size
    if seed['high_res'].shape[1:] != (height, width):
        raise ValueError(f'{path}: high_res is {seed["high_res"].shape[1:]} but the image '
                         f'{item["img_path"]} is {(height, width)} (seeds of another dataset?)')
    strided = ((height - 1) // 4 + 1, (width - 1) // 4 + 1)
    if seed['cam'].shape[1:] != strided:
        raise ValueError(f'{path}: cam is {seed["cam"].shape[1:]}, expected the stride-4 '
                         f'size {strided} of a {height}x{width} image')
    expected = np.flatnonzero(item['img_labels'])
    if not np.array_equal(np.sort(seed['keys']), expected):
        raise ValueError(f'{path}: seed classes {seed["keys"].tolist()} differ from the image '
                         f'labels {expected.tolist()} of {item["img_path"]} (0-based, no bg)')
    return seed


def _ir_label_job(item, seed_dir, out_dir, params):
    out = osp.join(out_dir, item['name'] + '.png')
    if osp.exists(out):
        return
    img = read_rgb(item['img_path'])
    seed = load_checked_seed(seed_dir, item, img.shape[:2])
    atomic_save_png(out, make_ir_label(img, seed, **params))


def generate_ir_labels(cfg, split, seed_dir, out_dir, conf_fg, conf_bg, cam_power=1.0,
                       nproc=1, data_root=None):
    """IR label PNGs of a split (0 = bg, 1..C, 255 = uncertain). Returns the report or None."""
    dataset, items = split_items(cfg, split, data_root)
    check_seed_dir(seed_dir, items)
    os.makedirs(out_dir, exist_ok=True)
    todo = [it for it in items if not osp.exists(osp.join(out_dir, it['name'] + '.png'))]
    job = partial(_ir_label_job, seed_dir=seed_dir, out_dir=out_dir,
                  params=dict(conf_fg=conf_fg, conf_bg=conf_bg, cam_power=cam_power))
    parallel_map(job, todo, nproc=nproc, desc='IR labels')
    return write_report(dataset, items, out_dir, dict(
        stage='ir_label', split=split, seed_dir=seed_dir, conf_fg=conf_fg, conf_bg=conf_bg,
        cam_power=cam_power))


def generate_pseudo_labels(model, cfg, split, seed_dir, out_dir, bg_threshold=0.25,
                           cam_power=1.0, beta=10, exp_times=8, radius=5, method='sparse',
                           data_root=None):
    """Random-walk pseudo-label PNGs (0..C) of a split. Returns the report or None."""
    import torch

    dataset, items = split_items(cfg, split, data_root)
    check_seed_dir(seed_dir, items)
    os.makedirs(out_dir, exist_ok=True)
    device = next(model.parameters()).device
    for item in progress(items, desc='random walk'):
        out = osp.join(out_dir, item['name'] + '.png')
        if osp.exists(out):
            continue
        img = read_rgb(item['img_path'])
        seed = load_checked_seed(seed_dir, item, img.shape[:2])
        bgr = torch.from_numpy(np.ascontiguousarray(img[..., ::-1].transpose(2, 0, 1)))
        inputs = model.data_preprocessor(dict(inputs=[bgr.to(device)]), False)['inputs']
        edge, _ = model.predict_edge(inputs)
        label = random_walk_label(seed, edge.cpu(), img.shape[:2], bg_threshold=bg_threshold,
                                  cam_power=cam_power, beta=beta, exp_times=exp_times,
                                  radius=radius, method=method)
        atomic_save_png(out, label)
    return write_report(dataset, items, out_dir, dict(
        stage='pseudo_label', split=split, seed_dir=seed_dir, bg_threshold=bg_threshold,
        cam_power=cam_power, beta=beta, exp_times=exp_times, radius=radius, method=method))


def evaluate_label_dir(items, label_dir, num_classes, class_names=None):
    """mIoU of ``<label_dir>/<name>.png`` against GT, plus for IR labels the share of
    uncertain (255) pixels and the accuracy of the confident ones."""
    matrix = ConfusionMatrix(num_classes)
    uncertain = confident = correct = 0
    for item in items:
        path = osp.join(label_dir, item['name'] + '.png')
        pred = np.asarray(Image.open(path))
        gt = np.asarray(Image.open(item['seg_map_path']))
        if pred.shape != gt.shape:
            raise ValueError(f'{path}: size {pred.shape} differs from ground truth '
                             f'{item["seg_map_path"]} {gt.shape}')
        matrix.update(pred, gt)
        valid = gt != 255
        sure = valid & (pred != 255)
        uncertain += int((valid & (pred == 255)).sum())
        confident += int(sure.sum())
        correct += int((pred[sure] == gt[sure]).sum())
    metrics = matrix.metrics(class_names)
    metrics['uncertain_fraction'] = uncertain / max(uncertain + confident, 1)
    metrics['confident_accuracy'] = correct / max(confident, 1)
    return metrics


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
