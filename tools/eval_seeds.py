"""Seed mIoU against ground truth, at one background threshold or over a sweep.

    python tools/eval_seeds.py CONFIG --seeds SEED_DIR [--split train] [--protocol irn] \
        [--threshold T | --sweep 0.05:0.60:0.05] [--thresholds thresholds.json] \
        [--out report.json] \
        [--dataset DATASET_CONFIG] [--cfg-options data_root=DIR]

``CONFIG`` is a dataset config (``configs/_base_/datasets/voc12.py``) or any config with
one; ``--split`` defaults to the dataset's ``eval_split`` (VOC: train, 1,464 images).
Reports the seed mIoU under the method's reference protocol (``--protocol``, the table in
``wsss_plugins/utils/protocols.py``: IRN fixed 0.15, AdvCAM best of 0.15-0.34, AMN fixed
0.25, W-OoD best of 0.08-0.14) **and** the best of the sweep, labelled as such; the
protocol's thresholds are always evaluated. Writes a JSON report (per-threshold mIoU,
per-class IoU/precision/recall and their foreground means, ``protocol``, ``best``, the
all-background baseline; with ``--region``, the share of the region's pixels called
foreground, e.g. the context toy's background bands) and,
for several thresholds, a PNG curve of mIoU against the threshold next to it (``report.png``).
"""
import argparse
import json
import os.path as osp

import wsss_plugins  # noqa: F401 - registers the datasets
from wsss_plugins.engine import add_config_args, add_split_arg
from wsss_plugins.utils.protocols import PROTOCOLS, read_selected


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_config_args(parser)
    parser.add_argument('--seeds', required=True, metavar='DIR',
                        help='directory of <name>.npy seeds (IRN format)')
    add_split_arg(parser, 'eval_split')
    thr = parser.add_mutually_exclusive_group()
    thr.add_argument('--threshold', type=float, help='one more fixed background threshold')
    thr.add_argument('--sweep', help='START:STOP:STEP, e.g. 0.05:0.60:0.05 (end inclusive)')
    parser.add_argument('--thresholds', metavar='JSON',
                        help='thresholds.json of tools/select_thresholds.py seed: its selected '
                             'threshold is evaluated too and reported as `calibrated`')
    parser.add_argument('--protocol', default='irn', choices=sorted(PROTOCOLS),
                        help='the seed evaluation rule of the reference (default irn)')
    parser.add_argument('--key', choices=['high_res', 'cam'], default='high_res')
    parser.add_argument('--power', type=float, default=1.0, help='maps ** power before thresholding')
    parser.add_argument('--region', metavar='DIR',
                        help='<name>.png region masks (relative to data_root unless absolute, '
                             'e.g. the context toy\'s ContextMask): also report the share of '
                             'region pixels the seeds call foreground')
    parser.add_argument('--out', help='JSON report path (plot: same stem, .png)')
    return parser.parse_args()


def main():
    args = parse_args()
    from wsss_plugins.apis.per_image import sample_name
    from wsss_plugins.datasets import build_split_dataset
    from wsss_plugins.datasets.config import split_name
    from wsss_plugins.engine import load_tool_config
    from wsss_plugins.evaluation.seed_eval import (evaluate_seeds, parse_sweep, plot_curve,
                                                   protocol_result)
    from wsss_plugins.utils import atomic_write

    cfg = load_tool_config(args)
    split = split_name(cfg, args.split)
    dataset = build_split_dataset(cfg, split, seg_map_path='gt')
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    samples = [(sample_name(i), i['seg_map_path'], i['img_labels']) for i in infos]
    extra = parse_sweep(args.sweep) if args.sweep else (
        [] if args.threshold is None else [args.threshold])
    calibrated = read_selected(args.thresholds, 'seed')['threshold'] if args.thresholds \
        else None
    thresholds = sorted({round(t, 6) for t in
                         [*PROTOCOLS[args.protocol]['seed_thresholds'], *extra,
                          *([] if calibrated is None else [calibrated])]})
    region = args.region and osp.join(cfg.data_root, args.region)
    report = evaluate_seeds(args.seeds, samples, thresholds, dataset.metainfo['classes'],
                            key=args.key, power=args.power, region_dir=region)
    report['split'] = split
    report['protocol'] = protocol_result(report, args.protocol)
    if calibrated is not None:  # the threshold chosen on the calibration split
        report['calibrated'] = next(r for r in report['results']
                                    if r['threshold'] == round(calibrated, 6))

    for thr, miou in zip(report['thresholds'], report['mIoU']):
        print(f'threshold {thr:.3f}  mIoU {100 * miou:.2f}')
    ref, best = report['protocol'], report['best']
    print(f'{ref["name"]} protocol ({ref["rule"]}): threshold {ref["threshold"]:g}, '
          f'mIoU {100 * ref["mIoU"]:.2f} ({report["num_images"]} images of {split})'
          + (f', region pixels called foreground {100 * ref["region_fg_rate"]:.1f}%'
             if ref.get('region_fg_rate') is not None else ''))
    if calibrated is not None:
        print(f'calibrated threshold {calibrated:g} (selected on the calibration split): '
              f'mIoU {100 * report["calibrated"]["mIoU"]:.2f}')
    print(f'best of all {len(thresholds)} thresholds (GT-selected): threshold '
          f'{best["threshold"]:g}, mIoU {100 * best["mIoU"]:.2f}; all background: '
          f'{100 * report["all_background_mIoU"]:.2f}')
    for name, m in best['per_class'].items():
        fmt = lambda v: ' n/a' if v is None else f'{100 * v:5.1f}'  # noqa: E731
        print(f'  {name:>14s}  IoU {fmt(m["iou"])}  P {fmt(m["precision"])}  R {fmt(m["recall"])}')
    if report['keys_differ_from_labels']:
        print(f'warning: {len(report["keys_differ_from_labels"])} seed(s) have keys that differ '
              f'from the image labels, e.g. {report["keys_differ_from_labels"][0]}')
    if args.out:
        with atomic_write(args.out, 'w') as f:
            json.dump(report, f, indent=1)
        if len(thresholds) > 1:
            plot_curve(report, osp.splitext(args.out)[0] + '.png')
        print(f'report written to {args.out}')


if __name__ == '__main__':
    main()
