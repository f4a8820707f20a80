"""mIoU of a directory of label PNGs (IR labels, pseudo masks, predictions) on a split.

    python tools/eval_labels.py LABEL_DIR --config configs/_base_/datasets/voc12.py \
        [--split train] [--data-root DIR] [--out report.json]

Seeds have their own evaluator (tools/eval_seeds.py, thresholds and sweeps); this one
reads finished label maps: 255 in a prediction (uncertain) counts as background for the
mIoU, and the report also gives the uncertain share and the accuracy of the rest.
"""
import argparse
import json
import os.path as osp

from mmengine.config import Config


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('label_dir')
    parser.add_argument('--config', required=True, help='config with a dataset base')
    parser.add_argument('--split', default='train', help='default train (VOC: 1,464 images)')
    parser.add_argument('--data-root', help='override the config data root')
    parser.add_argument('--out', help='JSON report path')
    args = parser.parse_args()
    from wsss_plugins.apis.label_passes import split_items
    from wsss_plugins.evaluation.label_eval import evaluate_label_dir
    from wsss_plugins.utils import atomic_write

    if not osp.isdir(args.label_dir):
        raise FileNotFoundError(f'label directory not found: {args.label_dir}')
    dataset, items = split_items(Config.fromfile(args.config), args.split, args.data_root)
    if items[0]['seg_map_path'] is None:
        raise ValueError(f'split {args.split!r} has no ground truth to evaluate against')
    missing = [i['name'] for i in items
               if not osp.isfile(osp.join(args.label_dir, i['name'] + '.png'))]
    if missing:
        raise FileNotFoundError(f'{len(missing)} of {len(items)} images of {args.split} have '
                                f'no label in {args.label_dir}, e.g. {missing[0]}.png')
    classes = dataset.metainfo['classes']
    report = dict(label_dir=args.label_dir, split=args.split, num_images=len(items),
                  **evaluate_label_dir(items, args.label_dir, len(classes), classes))
    print(f'{args.split}: mIoU {100 * report["mIoU"]:.2f} over {len(items)} images')
    for name, m in report['per_class'].items():
        iou = 'n/a' if m['iou'] is None else f'{100 * m["iou"]:.1f}'
        print(f'  {name:>14s}  IoU {iou}')
    if args.out:
        with atomic_write(args.out, 'w') as f:
            json.dump(report, f, indent=1)


if __name__ == '__main__':
    main()
