"""mAP^r, ABO and COCO-style AP of instance masks on a VOC-layout split: a COCO json (pseudo
instances such as ``instances_th0.85.json``, or any predictions with scores) or a directory
of IRN-format ``<name>.npy`` files (``tools/make_instance_labels.py``).

    python tools/eval_instances.py CONFIG --instances JSON_OR_DIR [--split train]
        [--out report.json] [--dataset DATASET_CONFIG] [--cfg-options data_root=DIR]

The same metric as Mask R-CNN's tests (``InstanceSegMetric``: SDS protocol first, then
chainercv (IRN's and AdvCAM's pseudo-instance protocol), COCO-style AP at 0.25 / 0.5 / 0.7 /
0.75), against the split's ``SegmentationObject`` (classes from its class maps).
``--split`` defaults to the dataset's ``eval_split``; images of the split absent from a
json count as having no prediction, json images outside the split are an error (masks of
another dataset or split); a directory must hold every image of the split (other files in
it are not read: a pass over ``train_aug`` is scored on ``train``).
"""
import argparse
import json
import os.path as osp

from wsss_plugins.engine import add_config_args, add_split_arg


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_config_args(parser)
    parser.add_argument('--instances', required=True, metavar='JSON_OR_DIR',
                        help='COCO-format instances (RLE or polygons; score 1 when absent) or '
                             'a directory of <name>.npy instance files')
    add_split_arg(parser, 'eval_split')
    parser.add_argument('--out', help='JSON report path')
    args = parser.parse_args()
    from wsss_plugins.engine import load_evaluated_split
    from wsss_plugins.evaluation import InstanceSegMetric
    from wsss_plugins.utils import atomic_write

    cfg, split, dataset, items = load_evaluated_split(args)
    classes = dataset.metainfo['classes']
    spec = cfg.splits[split]
    metric = InstanceSegMetric(data_root=cfg.data_root,
                               class_dir=spec.get('gt_seg_map_path', 'SegmentationClass'))
    metric.dataset_meta = dict(classes=tuple(classes[1:]))
    if osp.isdir(args.instances):
        predictions, num_instances = npy_predictions(args.instances, items, metric)
    elif osp.isfile(args.instances):
        predictions, num_instances = json_predictions(args.instances, items, classes, metric,
                                                      split)
    else:
        raise FileNotFoundError(f'instances not found: {args.instances}')
    for item, pred in zip(items, predictions):
        metric.process({}, [dict(img_path=item['img_path'], pred_instances=pred)])
    metrics = metric.compute_metrics(metric.results)
    report = dict(instances=args.instances, split=split, num_images=len(items),
                  num_instances=num_instances, **metrics)
    print(json.dumps({k: round(v, 2) for k, v in metrics.items()}))
    if args.out:
        with atomic_write(args.out, 'w') as f:
            json.dump(report, f, indent=1)


def _pred(masks, labels, scores):
    import numpy as np
    import torch
    return dict(masks=torch.as_tensor(np.asarray(masks, bool)),
                labels=torch.as_tensor(np.asarray(labels, np.int64)),
                scores=torch.as_tensor(np.asarray(scores, np.float32)))


def npy_predictions(det_dir, items, metric):
    """Per item, the predictions of ``<det_dir>/<name>.npy`` (an instance pass's output; every
    image of the split must have its file, other files are not read)."""
    from wsss_plugins.apis.instance_pass import detection_path, load_detections
    import numpy as np
    missing = [it['name'] for it in items if not osp.isfile(detection_path(det_dir, it['name']))]
    if missing:
        raise FileNotFoundError(f'{det_dir}: no instance file for {len(missing)} of the '
                                f'{len(items)} images of the split, e.g. '
                                f'{detection_path(det_dir, missing[0])}')
    preds, count = [], 0
    for item in items:
        det = load_detections(detection_path(det_dir, item['name']),
                              np.asarray(metric._gt(item['name'])[0]).shape)
        preds.append(_pred(det['mask'], det['class'], det['score']))
        count += len(det['score'])
    return preds, count


def json_predictions(path, items, classes, metric, split):
    """Per item, the annotations of a COCO json (images of the split it lacks have none;
    json images outside the split are an error)."""
    import numpy as np
    from pycocotools.coco import COCO
    coco = COCO(path)
    label_of = {}
    for cat in coco.loadCats(coco.getCatIds()):
        if cat['name'] not in classes[1:]:
            raise ValueError(f'{path}: category {cat["name"]!r} is not a class of '
                             f'the dataset ({", ".join(classes[1:])})')
        label_of[cat['id']] = classes.index(cat['name']) - 1
    by_file = {osp.basename(img['file_name']): img['id'] for img in coco.dataset['images']}
    outside = sorted(set(by_file) - {osp.basename(i['img_path']) for i in items})
    if outside:
        raise ValueError(f'{path}: {len(outside)} images are not in split {split!r}, '
                         f'e.g. {outside[0]} (masks of another dataset or split?)')
    preds = []
    for item in items:
        img_id = by_file.get(osp.basename(item['img_path']))
        anns = coco.loadAnns(coco.getAnnIds(imgIds=[img_id])) if img_id is not None else []
        h, w = np.asarray(metric._gt(item['name'])[0]).shape
        masks = np.array([coco.annToMask(a) for a in anns], bool).reshape(-1, h, w)
        preds.append(_pred(masks, [label_of[a['category_id']] for a in anns],
                           [float(a.get('score', 1.0)) for a in anns]))
    return preds, len(coco.getAnnIds())


if __name__ == '__main__':
    main()
