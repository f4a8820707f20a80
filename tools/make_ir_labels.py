"""Seeds → IR labels with IRN's two-threshold CRF (methods.md §0 step 4).

    python tools/make_ir_labels.py CONFIG --seeds SEED_DIR --out work_dirs/voc/ir_label \
        [--split train_aug] [--preset irn | --thresholds thresholds.json] [--nproc 8] \
        [--dataset DATASET_CONFIG]

Writes ``OUT/<name>.png`` (0 = bg, 1..C = class, 255 = uncertain), skipping files that
exist (resumable), and ``OUT/report.json`` (mIoU with 255 as bg, uncertain share,
accuracy of confident pixels) when the split has ground truth.  ``CONFIG`` is any config
with a dataset (a method config, or a dataset config itself); ``--split`` defaults to the
dataset's ``train_split``.
"""
import argparse
import json

from wsss_plugins.apis.label_passes import generate_ir_labels
from wsss_plugins.datasets.config import split_name
from wsss_plugins.engine import add_pass_args, init_pass_launcher, load_tool_config
from wsss_plugins.utils.protocols import PROTOCOLS, presets_help, read_selected


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    add_pass_args(parser, seeds=True)
    parser.add_argument('--preset', default='irn', choices=sorted(PROTOCOLS),
                        help='per-method thresholds: ' + presets_help('ir_label'))
    parser.add_argument('--conf-fg', type=float, help='override the preset conf_fg')
    parser.add_argument('--conf-bg', type=float, help='override the preset conf_bg')
    parser.add_argument('--cam-power', type=float, help='override the preset cam power')
    parser.add_argument('--thresholds', metavar='JSON',
                        help='thresholds.json of tools/select_thresholds.py ir_label: its '
                             'selected conf_fg/conf_bg/cam power replace the preset')
    parser.add_argument('--nproc', type=int, default=1, help='CRF worker processes')
    args = parser.parse_args()
    init_pass_launcher(args.launcher)  # torchrun: the images are sharded over the ranks

    params = dict(PROTOCOLS[args.preset]['ir_label'])
    if args.thresholds:
        params.update(read_selected(args.thresholds, 'ir_label'))
    for key in ('conf_fg', 'conf_bg', 'cam_power'):
        if getattr(args, key) is not None:
            params[key] = getattr(args, key)
    cfg = load_tool_config(args)
    report = generate_ir_labels(cfg, split_name(cfg, args.split), args.seeds, args.out,
                                nproc=args.nproc, **params)
    if report is not None:
        print(json.dumps({k: report[k] for k in ('mIoU', 'uncertain_fraction',
                                                 'confident_accuracy')}))


if __name__ == '__main__':
    main()
