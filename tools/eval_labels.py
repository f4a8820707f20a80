"""mIoU of a directory of label PNGs (IR labels, pseudo masks, predictions) on a split.

    python tools/eval_labels.py CONFIG --labels LABEL_DIR [--split train] [--out report.json]
        [--dataset DATASET_CONFIG] [--cfg-options data_root=DIR]

``CONFIG`` is a dataset config or any config with one; ``--split`` defaults to the
dataset's ``eval_split``. Seeds have their own evaluator (tools/eval_seeds.py, thresholds
and sweeps); this one reads finished label maps: 255 in a prediction (uncertain) counts as
background for the mIoU, and the report also gives the uncertain share, the accuracy of the
rest and the all-background baseline.
"""
import argparse
import json
import os.path as osp

from wsss_plugins.engine import add_config_args, add_split_arg


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_config_args(parser)
    parser.add_argument('--labels', required=True, metavar='DIR',
                        help='directory of <name>.png label maps')
    add_split_arg(parser, 'eval_split')
    parser.add_argument('--out', help='JSON report path')
    args = parser.parse_args()
    from wsss_plugins.engine import load_evaluated_split
    from wsss_plugins.evaluation.label_eval import evaluate_label_dir
    from wsss_plugins.utils import atomic_write

    if not osp.isdir(args.labels):
        raise FileNotFoundError(f'label directory not found: {args.labels}')
    cfg, split, dataset, items = load_evaluated_split(args)
    missing = [i['name'] for i in items
               if not osp.isfile(osp.join(args.labels, i['name'] + '.png'))]
    if missing:
        raise FileNotFoundError(f'{len(missing)} of {len(items)} images of {split} have '
                                f'no label in {args.labels}, e.g. {missing[0]}.png')
    classes = dataset.metainfo['classes']
    report = dict(label_dir=args.labels, split=split, num_images=len(items),
                  **evaluate_label_dir(items, args.labels, len(classes), classes))
    print(f'{split}: mIoU {100 * report["mIoU"]:.2f} over {len(items)} images '
          f'(all background: {100 * report["all_background_mIoU"]:.2f})')
    for name, m in report['per_class'].items():
        iou = 'n/a' if m['iou'] is None else f'{100 * m["iou"]:.1f}'
        print(f'  {name:>14s}  IoU {iou}')
    if args.out:
        with atomic_write(args.out, 'w') as f:
            json.dump(report, f, indent=1)


if __name__ == '__main__':
    main()
