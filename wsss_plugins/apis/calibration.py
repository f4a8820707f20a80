"""Threshold selection on the calibration split (``datasets/calibration.py``), never on an
evaluated split: the driver of ``tools/select_thresholds.py``.

Three selections, in pipeline order; each returns a ``curve`` (the metric against the
thresholds tried, JSON-ready) and the ``selected`` values, and later stages read the
selected values (``--thresholds thresholds.json``) instead of the presets:

1. ``seed``: the background threshold of the seeds — best mIoU on the calibration images
   (the sweep ``seed_evaluation`` runs; the references pick the same way, but on the split
   they report, methods.md §7).
2. ``ir_label``: IRN's pair ``conf_fg > t > conf_bg`` (``refine/ir_label.py``) searched
   around the selected seed threshold ``t``: the highest accuracy of the confident pixels
   among the pairs that label at least ``min_coverage`` of the pixels (default: the
   coverage of the method's preset pair on the same images — the reference's trade of
   certainty for coverage, kept, with the certainty maximised).
3. ``random_walk``: IRN's background threshold and the CAM power before the walk — best
   pseudo-mask mIoU on the calibration images (one walk per image and power; every
   threshold is applied to the same walked maps).
"""
import numpy as np

from ..evaluation.confusion import ConfusionMatrix
from ..evaluation.seed_eval import evaluate_seeds
from ..refine.ir_label import combine_confident, crf_passes
from ..refine.random_walk import random_walk_scores
from ..utils.image import read_rgb
from ..utils.io import progress
from ..utils.protocols import protocol
from ..utils.seed_io import check_seed_dir
from .label_passes import load_checked_seed, predict_edge, split_items

SEED_THRESHOLDS = tuple(round(0.05 + 0.01 * i, 6) for i in range(56))  # 0.05..0.60
FG_OFFSETS = (0.05, 0.10, 0.15, 0.20, 0.25, 0.30)  # conf_fg - t
BG_OFFSETS = (0.0, 0.05, 0.10, 0.15)  # t - conf_bg (conf_bg > 0)
RW_THRESHOLDS = SEED_THRESHOLDS
RW_POWERS = (1.0, 1.3, 1.5)  # IRN's 1, AMN's 1.3, AdvCAM / W-OoD's 1.5


def preset_values(name):
    """The fixed values of protocol ``name`` (``utils.protocols``) under the keys of a
    ``thresholds.json``; the seed threshold of a swept protocol is its sweep's middle."""
    p = protocol(name)
    seeds = p['seed_thresholds']
    return dict(seed_threshold=seeds[len(seeds) // 2], conf_fg=p['ir_label']['conf_fg'],
                conf_bg=p['ir_label']['conf_bg'], ir_cam_power=p['ir_label']['cam_power'],
                rw_bg_threshold=p['random_walk']['bg_threshold'],
                rw_cam_power=p['random_walk']['cam_power'])


def calibration_items(cfg, split, seed_dir):
    """``(dataset, items)`` of ``split`` with ground truth, the seeds checked against it."""
    dataset, items = split_items(cfg, split)
    if not items or items[0]['seg_map_path'] is None:
        raise ValueError(f'split {split!r} has no ground truth to select thresholds on')
    check_seed_dir(seed_dir, [it['name'] for it in items])
    return dataset, items


def select_seed_threshold(seed_dir, items, class_names, thresholds=SEED_THRESHOLDS):
    """Best seed mIoU over ``thresholds`` (ties: the lower threshold)."""
    samples = [(it['name'], it['seg_map_path'], it['img_labels']) for it in items]
    report = evaluate_seeds(seed_dir, samples, list(thresholds), class_names)
    best = int(np.argmax(report['mIoU']))  # first maximum = lowest threshold
    curve = dict(thresholds=report['thresholds'], mIoU=report['mIoU'],
                 num_images=len(items))
    return curve, dict(seed_threshold=report['thresholds'][best])


def ir_label_candidates(center, preset_pair, fg_offsets=FG_OFFSETS, bg_offsets=BG_OFFSETS):
    """``(conf_fg, conf_bg)`` pairs around ``center`` (conf_fg <= 1, conf_bg > 0), and the
    preset pair (it sets the default coverage floor)."""
    pairs = [(round(center + f, 6), round(center - b, 6)) for f in fg_offsets
             for b in bg_offsets if center + f <= 1 and center - b > 0]
    return list(dict.fromkeys(pairs + [tuple(preset_pair)]))


def pick_ir_pair(rows, min_coverage):
    """The most accurate row with ``coverage >= min_coverage``; ties: more coverage, then the
    earlier row. Rows: dicts ``conf_fg, conf_bg, accuracy, coverage``."""
    eligible = [r for r in rows if r['coverage'] >= min_coverage - 1e-12]
    if not eligible:
        raise ValueError(f'no IR-label pair labels {100 * min_coverage:.1f}% of the pixels')
    return max(eligible, key=lambda r: (round(r['accuracy'], 12), round(r['coverage'], 12)))


def select_ir_thresholds(seed_dir, items, num_classes, center, preset_pair, cam_power=1.0,
                         min_coverage=None, fg_offsets=FG_OFFSETS, bg_offsets=BG_OFFSETS):
    """Score every candidate pair on the calibration images (one CRF pass per distinct
    threshold and image) and pick one (:func:`pick_ir_pair`)."""
    pairs = ir_label_candidates(center, preset_pair, fg_offsets, bg_offsets)
    levels = sorted({t for pair in pairs for t in pair})
    correct, confident, valid_total = (np.zeros(len(pairs)) for _ in range(3))
    matrices = [ConfusionMatrix(num_classes) for _ in pairs]
    for item in progress(items, desc='IR-label pairs'):
        img = read_rgb(item['img_path'])
        seed = load_checked_seed(seed_dir, item, img.shape[:2])
        passes = crf_passes(img, seed, levels, cam_power)
        gt = np.asarray(_read_label(item['seg_map_path']))
        valid = gt != 255
        for i, (fg, bg) in enumerate(pairs):
            label = combine_confident(passes[fg], passes[bg])
            sure = valid & (label != 255)
            confident[i] += sure.sum()
            valid_total[i] += valid.sum()
            correct[i] += (label[sure] == gt[sure]).sum()
            matrices[i].update(label, gt)
    rows = [dict(conf_fg=fg, conf_bg=bg, accuracy=float(c / max(n, 1)),
                 coverage=float(n / max(v, 1)), mIoU=m.metrics()['mIoU'])
            for (fg, bg), c, n, v, m in zip(pairs, correct, confident, valid_total, matrices)]
    preset = rows[pairs.index(tuple(preset_pair))]
    floor = preset['coverage'] if min_coverage is None else min_coverage
    chosen = pick_ir_pair(rows, floor)
    curve = dict(pairs=rows, center=center, min_coverage=floor,
                 min_coverage_rule='preset pair' if min_coverage is None else 'given',
                 preset=preset, num_images=len(items))
    return curve, dict(conf_fg=chosen['conf_fg'], conf_bg=chosen['conf_bg'],
                       ir_cam_power=cam_power)


def sweep_random_walk(model, seed_dir, items, num_classes, powers=RW_POWERS,
                      thresholds=RW_THRESHOLDS, **walk):
    """Pseudo-mask mIoU ``[len(powers)][len(thresholds)]`` of the walk on ``items``."""
    matrices = [[ConfusionMatrix(num_classes) for _ in thresholds] for _ in powers]
    device = next(model.parameters()).device  # the walk runs where IRN runs
    for item in progress(items, desc='random-walk sweep'):
        img = read_rgb(item['img_path'])
        seed = load_checked_seed(seed_dir, item, img.shape[:2])
        gt = np.asarray(_read_label(item['seg_map_path']))
        edge = predict_edge(model, img)
        lut = np.concatenate([[0], np.asarray(seed['keys'], dtype=np.int64) + 1])
        for row, power in zip(matrices, powers):
            scores = random_walk_scores(seed, edge, img.shape[:2], cam_power=power,
                                        device=device, **walk)
            if scores is None:
                peak, fg = np.zeros(gt.shape), np.zeros(gt.shape, np.int64)
            else:  # label_from_scores at every threshold: fg where the peak beats it
                peak, arg = (v.cpu().numpy() for v in scores.max(0))
                fg = lut[arg + 1]
            for matrix, thr in zip(row, thresholds):
                matrix.update(np.where(peak > thr, fg, 0), gt)
    return [[m.metrics()['mIoU'] for m in row] for row in matrices]


def select_random_walk(model, seed_dir, items, num_classes, powers=RW_POWERS,
                       thresholds=RW_THRESHOLDS, **walk):
    """Best pseudo-mask mIoU over powers × thresholds (ties: the earlier power, the lower
    threshold)."""
    miou = sweep_random_walk(model, seed_dir, items, num_classes, powers, thresholds, **walk)
    grid = np.asarray(miou)
    p, t = np.unravel_index(int(np.argmax(grid)), grid.shape)
    curve = dict(powers=list(powers), thresholds=list(thresholds), mIoU=miou,
                 num_images=len(items))
    return curve, dict(rw_bg_threshold=float(thresholds[t]), rw_cam_power=float(powers[p]))


def _read_label(path):
    from PIL import Image
    return Image.open(path)
