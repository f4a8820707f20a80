"""Seeds + trained IRN → semantic pseudo labels by IRN's random walk (methods.md §0 step 6).

    python tools/make_pseudo_labels.py configs/irn/irn_r50_voc.py IRN.pth --seeds SEED_DIR \
        --out work_dirs/voc/pseudo_label [--split train_aug] \
        [--preset irn | --thresholds thresholds.json] \
        [--dataset DATASET_CONFIG] [--device cuda]

Writes ``OUT/<name>.png`` (0..C), skipping files that exist (resumable), and
``OUT/report.json`` (mIoU) when the split has ground truth.  The output directory is a
``seg_map_path`` for the segmentation configs.  ``--method dense`` is IRN's N×N
transition matrix (memory O(N²), fails on large images); the default ``sparse`` gives
the same labels with bounded memory.
"""
import argparse
import json

from wsss_plugins.apis.label_passes import generate_pseudo_labels
from wsss_plugins.datasets.config import split_name
from wsss_plugins.engine import (add_pass_args, default_device, init_pass_launcher,
                                 load_tool_config)
from wsss_plugins.refine.random_walk import RW_METHODS
from wsss_plugins.utils.checkpoint import load_model
from wsss_plugins.utils.protocols import PROTOCOLS, presets_help, read_selected


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    add_pass_args(parser, checkpoint=True, seeds=True, device=True)
    parser.add_argument('--preset', default='irn', choices=sorted(PROTOCOLS),
                        help='per-method random walk: ' + presets_help('random_walk'))
    parser.add_argument('--bg-threshold', type=float, help='override the preset')
    parser.add_argument('--cam-power', type=float, help='override the preset')
    parser.add_argument('--thresholds', metavar='JSON',
                        help='thresholds.json of tools/select_thresholds.py random_walk: its '
                             'selected background threshold and cam power replace the preset')
    parser.add_argument('--beta', type=float, default=10)
    parser.add_argument('--exp-times', type=int, default=8, help='T^(2^exp_times)')
    parser.add_argument('--radius', type=int, default=5)
    parser.add_argument('--method', default='sparse', choices=RW_METHODS)
    parser.add_argument('--non-strict', action='store_true',
                        help='load a checkpoint whose keys or shapes do not all fit the model')
    args = parser.parse_args()
    init_pass_launcher(args.launcher)  # torchrun: the images are sharded over the ranks

    params = dict(PROTOCOLS[args.preset]['random_walk'])
    if args.thresholds:
        params.update(read_selected(args.thresholds, 'random_walk'))
    for key in ('bg_threshold', 'cam_power'):
        if getattr(args, key) is not None:
            params[key] = getattr(args, key)
    cfg = load_tool_config(args)
    model = load_model(cfg, args.checkpoint, args.device or default_device(),
                       strict=not args.non_strict)
    report = generate_pseudo_labels(
        model, cfg, split_name(cfg, args.split), args.seeds, args.out, beta=args.beta,
        exp_times=args.exp_times, radius=args.radius, method=args.method, **params)
    if report is not None:
        print(json.dumps({'mIoU': report['mIoU']}))


if __name__ == '__main__':
    main()
