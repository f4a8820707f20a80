"""mAP^r, ABO and COCO-style AP of instance masks in a COCO json (pseudo instances such as
``instances_th0.85.json``, or any predictions with scores) on a VOC-layout split.

    python tools/eval_instances.py CONFIG --instances JSON [--split train] [--out report.json]
        [--dataset DATASET_CONFIG] [--cfg-options data_root=DIR]

The same metric as Mask R-CNN's tests (``InstanceSegMetric``: SDS protocol first, then
chainercv, COCO-style AP at 0.25 / 0.5 / 0.7 / 0.75), against the split's
``SegmentationObject`` (classes from its class maps). ``--split`` defaults to the dataset's
``eval_split``; images of the split absent from the json count as having no prediction,
json images outside the split are an error (masks of another dataset or split).
"""
import argparse
import json
import os.path as osp

from wsss_plugins.engine import add_config_args, add_split_arg


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_config_args(parser)
    parser.add_argument('--instances', required=True, metavar='JSON',
                        help='COCO-format instances (RLE or polygons; score 1 when absent)')
    add_split_arg(parser, 'eval_split')
    parser.add_argument('--out', help='JSON report path')
    args = parser.parse_args()
    import numpy as np
    import torch
    from pycocotools.coco import COCO

    from wsss_plugins.engine import load_evaluated_split
    from wsss_plugins.evaluation import InstanceSegMetric
    from wsss_plugins.utils import atomic_write

    if not osp.isfile(args.instances):
        raise FileNotFoundError(f'instances json not found: {args.instances}')
    cfg, split, dataset, items = load_evaluated_split(args)
    classes = dataset.metainfo['classes']
    coco = COCO(args.instances)
    label_of = {}
    for cat in coco.loadCats(coco.getCatIds()):
        if cat['name'] not in classes[1:]:
            raise ValueError(f'{args.instances}: category {cat["name"]!r} is not a class of '
                             f'the dataset ({", ".join(classes[1:])})')
        label_of[cat['id']] = classes.index(cat['name']) - 1
    by_file = {osp.basename(img['file_name']): img['id'] for img in coco.dataset['images']}
    names = {osp.basename(i['img_path']) for i in items}
    outside = sorted(set(by_file) - names)
    if outside:
        raise ValueError(f'{args.instances}: {len(outside)} images are not in split {split!r}, '
                         f'e.g. {outside[0]} (masks of another dataset or split?)')
    spec = cfg.splits[split]
    metric = InstanceSegMetric(data_root=cfg.data_root,
                               class_dir=spec.get('gt_seg_map_path', 'SegmentationClass'))
    metric.dataset_meta = dict(classes=tuple(classes[1:]))
    for item in items:
        img_id = by_file.get(osp.basename(item['img_path']))
        anns = coco.loadAnns(coco.getAnnIds(imgIds=[img_id])) if img_id is not None else []
        h, w = np.asarray(metric._gt(item['name'])[0]).shape
        masks = np.array([coco.annToMask(a) for a in anns], bool).reshape(-1, h, w)
        pred = dict(masks=torch.as_tensor(masks),
                    labels=torch.tensor([label_of[a['category_id']] for a in anns],
                                        dtype=torch.long),
                    scores=torch.tensor([float(a.get('score', 1.0)) for a in anns]))
        metric.process({}, [dict(img_path=item['img_path'], pred_instances=pred)])
    metrics = metric.compute_metrics(metric.results)
    report = dict(instances=args.instances, split=split, num_images=len(items),
                  num_instances=len(coco.getAnnIds()), **metrics)
    print(json.dumps({k: round(v, 2) for k, v in metrics.items()}))
    if args.out:
        with atomic_write(args.out, 'w') as f:
            json.dump(report, f, indent=1)


if __name__ == '__main__':
    main()
