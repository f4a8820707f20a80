"""Seeds → IR labels with IRN's two-threshold CRF (methods.md §0 step 4).

    python tools/make_ir_labels.py SEED_DIR --config configs/irn/irn_r50_voc.py \
        --split train_aug --out work_dirs/voc/ir_label --preset irn [--nproc 8]

Writes ``OUT/<name>.png`` (0 = bg, 1..C = class, 255 = uncertain), skipping files that
exist (resumable), and ``OUT/report.json`` (mIoU with 255 as bg, uncertain share,
accuracy of confident pixels) when the split has ground truth.  ``--config`` is any
config that inherits a dataset base (``configs/_base_/datasets/*.py``).
"""
import argparse
import json

from mmengine.config import Config

from wsss_plugins.apis.label_passes import generate_ir_labels
from wsss_plugins.engine import add_pass_args, init_pass_launcher
from wsss_plugins.utils.protocols import PROTOCOLS, presets_help


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('seed_dir', help='directory of <name>.npy seeds (IRN format)')
    parser.add_argument('--config', required=True, help='config with a dataset base')
    parser.add_argument('--split', default='train_aug', help='split name of the config')
    parser.add_argument('--out', required=True, help='output directory of PNGs')
    parser.add_argument('--preset', default='irn', choices=sorted(PROTOCOLS),
                        help='per-method thresholds: ' + presets_help('ir_label'))
    parser.add_argument('--conf-fg', type=float, help='override the preset conf_fg')
    parser.add_argument('--conf-bg', type=float, help='override the preset conf_bg')
    parser.add_argument('--cam-power', type=float, help='override the preset cam power')
    parser.add_argument('--nproc', type=int, default=1, help='CRF worker processes')
    parser.add_argument('--data-root', help='override the config data root')
    args = add_pass_args(parser).parse_args()
    init_pass_launcher(args.launcher)  # torchrun: the images are sharded over the ranks

    params = dict(PROTOCOLS[args.preset]['ir_label'])
    for key in ('conf_fg', 'conf_bg', 'cam_power'):
        if getattr(args, key) is not None:
            params[key] = getattr(args, key)
    report = generate_ir_labels(Config.fromfile(args.config), args.split, args.seed_dir,
                                args.out, nproc=args.nproc, data_root=args.data_root, **params)
    if report is not None:
        print(json.dumps({k: report[k] for k in ('mIoU', 'uncertain_fraction',
                                                 'confident_accuracy')}))


if __name__ == '__main__':
    main()
