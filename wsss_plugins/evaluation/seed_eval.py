"""Seed quality: mIoU of thresholded seed maps against ground truth (methods.md §7).

IRN ``step/eval_cam.py``: the label map is the argmax over ``[thr, maps of the image's
classes]`` mapped through ``keys + 1`` (``utils.seed_io.seed_to_label``), one confusion
matrix over the split, ``nanmean`` over classes.  IRN reports a fixed threshold
(0.15); AdvCAM sweeps 0.15-0.34 and reports the best (chosen with the GT); the AMN
paper plots mIoU against the threshold (Fig. 6).  One pass over the seed files
fills one confusion matrix per threshold.
"""
import os.path as osp

import numpy as np
from PIL import Image

from ..utils.seed_io import (SeedDatasetMismatch, check_seed_dir, load_seed, seed_path,
                              seed_to_label)
from ..utils.io import atomic_save_figure, progress
from .confusion import ConfusionMatrix


def parse_sweep(spec):
    """``'0.05:0.60:0.05'`` → [0.05, 0.10, ..., 0.60] (end inclusive, rounded to 1e-6)."""
    try:
        start, stop, step = (float(v) for v in spec.split(':'))
    except ValueError as e:
        raise ValueError(f'sweep {spec!r}: expected START:STOP:STEP') from e
    if step <= 0 or stop < start:
        raise ValueError(f'sweep {spec!r}: need STEP > 0 and STOP >= START')
    n = int(np.floor((stop - start) / step + 1e-6)) + 1
    return [round(start + i * step, 6) for i in range(n)]


def evaluate_seeds(seed_dir, samples, thresholds, class_names, key='high_res', power=1.0,
                   region_dir=None):
    """Evaluate every seed of ``samples`` at every threshold.

    Args:
        samples: list of ``(name, gt_path, img_labels or None)``; ``img_labels`` is the
            multi-hot over foreground classes, used to flag seeds whose keys differ.
        thresholds: background thresholds.
        class_names: names incl. background (their number is the class count).
        region_dir: optional ``<name>.png`` masks (non-zero = in the region, e.g. the
            context toy's background bands): each result gains ``region_fg_rate``, the share
            of region pixels the seeds call foreground (W-OoD's spurious-cue failure).

    Returns:
        report dict: ``thresholds``, ``mIoU`` (one per threshold), ``best``
        (threshold, mIoU, per-class IoU/precision/recall), ``results`` (all metrics per
        threshold), ``num_images``, ``keys_differ_from_labels``.
    """
    num_classes = len(class_names)
    check_seed_dir(seed_dir, [s[0] for s in samples])
    matrices = [ConfusionMatrix(num_classes) for _ in thresholds]
    region_fg, region_total = np.zeros(len(thresholds)), 0
    keys_differ = []
    for name, gt_path, img_labels in progress(samples, desc='eval seeds'):
        path = seed_path(seed_dir, name)
        seed = load_seed(path)
        keys = seed['keys']
        if keys.size and (keys.min() < 0 or keys.max() >= num_classes - 1):
            raise SeedDatasetMismatch(
                f'{path}: class keys {keys.tolist()} outside 0..{num_classes - 2} '
                f'({num_classes - 1} foreground classes): seed of another dataset?')
        gt = np.asarray(Image.open(gt_path))
        if seed[key].shape[1:] != gt.shape:
            raise SeedDatasetMismatch(
                f'{path}: {key} map is {seed[key].shape[1:]} but the ground truth {gt_path} '
                f'is {gt.shape}: seed of another dataset?')
        if img_labels is not None and not np.array_equal(
                np.flatnonzero(np.asarray(img_labels)), np.sort(keys)):
            keys_differ.append(name)
        region = None
        if region_dir is not None:
            region_path = osp.join(region_dir, name + '.png')
            if not osp.isfile(region_path):
                raise FileNotFoundError(f'region mask not found: {region_path}')
            region = np.asarray(Image.open(region_path)) > 0
            if region.shape != gt.shape:
                raise SeedDatasetMismatch(f'{region_path} is {region.shape}, the ground truth '
                                          f'{gt_path} {gt.shape}')
            region_total += int(region.sum())
        for i, (thr, matrix) in enumerate(zip(thresholds, matrices)):
            label = seed_to_label(seed, thr, key=key, power=power)
            matrix.update(label, gt)
            if region is not None:
                region_fg[i] += int((label[region] > 0).sum())
    results = [dict(threshold=thr, **m.metrics(class_names))
               for thr, m in zip(thresholds, matrices)]
    for result, fg in zip(results, region_fg):
        fg_classes = [m for n, m in result['per_class'].items() if n != class_names[0]]
        for stat in ('precision', 'recall'):
            values = [m[stat] for m in fg_classes if m[stat] is not None]
            result[f'mean_{stat}'] = float(np.mean(values)) if values else None
        if region_dir is not None:
            result['region_fg_rate'] = float(fg / region_total) if region_total else None
    best = max(results, key=lambda r: r['mIoU'])
    return dict(seed_dir=seed_dir, key=key, power=power, num_images=len(samples),
                thresholds=list(thresholds), mIoU=[r['mIoU'] for r in results],
                best=best, results=results, keys_differ_from_labels=keys_differ,
                all_background_mIoU=best['all_background_mIoU'])


def protocol_result(report, name):
    """The seed mIoU under a reference protocol (``utils.protocols``), from a report whose
    thresholds include the protocol's: its fixed threshold, or the best of its range."""
    from ..utils.protocols import describe_seed_rule, protocol
    wanted = protocol(name)['seed_thresholds']
    by_threshold = {round(r['threshold'], 6): r for r in report['results']}
    missing = [t for t in wanted if round(t, 6) not in by_threshold]
    if missing:
        raise ValueError(f'protocol {name!r} needs thresholds {missing} the report lacks')
    best = max((by_threshold[round(t, 6)] for t in wanted), key=lambda r: r['mIoU'])
    return dict(name=name, rule=describe_seed_rule(name), threshold=best['threshold'],
                mIoU=best['mIoU'], **{k: best[k] for k in ('mean_precision', 'mean_recall',
                                                          'region_fg_rate') if k in best})


def plot_curve(report, path, title=None):
    """mIoU against the background threshold (AMN Fig. 6), written atomically as PNG."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(5, 3.5), dpi=100)
    ax.plot(report['thresholds'], [100 * v for v in report['mIoU']], marker='o')
    best = report['best']
    ax.axvline(best['threshold'], color='grey', linestyle=':', linewidth=1)
    ax.set_xlabel('background threshold')
    ax.set_ylabel('seed mIoU (%)')
    ax.set_title(title or f"best {100 * best['mIoU']:.1f} at {best['threshold']:g}")
    ax.grid(alpha=0.3)
    fig.tight_layout()
    atomic_save_figure(fig, path)
    plt.close(fig)
