"""BBAM maps → pseudo instance masks (COCO json) and semantic labels (PNG) for a split.

    python tools/make_bbam_labels.py configs/bbam/faster-rcnn_r101_fpn_voc.py \
        --seeds work_dirs/voc/bbam --out work_dirs/voc/bbam_labels [--split train_aug] \
        [--nproc 8] [--dataset DATASET_CONFIG]

Per box (wsss_plugins/refine/bbam_labels.py, the reference's rule): the top 15% (th 0.85) or
80% (th 0.2) of the box area, Gaussian blur, two-label dense CRF, acceptance and box-fill
fallbacks; the thresholds, the optional box-CRF baseline and the optional MCG proposal
directories are the config's ``bbam_labels`` (configs/_base_/bbam.py). Writes
``OUT/instances_th0.85.json`` (the Mask R-CNN targets) and ``OUT/instances_th0.2.json``
(their ignore regions; with MCG proposals also ``instances_th*_mcg.json``),
``OUT/instances_box.json`` (the filled boxes), ``OUT/semantic/<name>.png`` (the
DeepLab-v2 labels: 255 where two classes meet and on the ring between the two masks),
``OUT/box_semantic/`` (every box filled, the same rules: the baseline; with
``bbam_labels.box_crf_baseline`` also ``OUT/box_crf_semantic/``, each box through the CRF
without a map: the reference's no-map rule, which shows what the maps add) and
``OUT/report.json``: semantic mIoU of every label set, and the mean IoU of the pseudo
instances and of the baselines with the ground-truth instances (``SegmentationObject``, the
images that have one). Resumable (``OUT/instances/<name>.json`` per image).
"""
import argparse
import json

from wsss_plugins.engine import add_pass_args


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_pass_args(parser, seeds=True)
    parser.add_argument('--nproc', type=int, default=1, help='CRF worker processes')
    args = parser.parse_args()
    from wsss_plugins.apis.bbam_pass import generate_bbam_labels
    from wsss_plugins.datasets.config import split_name
    from wsss_plugins.engine import init_pass_launcher, load_tool_config

    init_pass_launcher(args.launcher)
    cfg = load_tool_config(args)
    settings = dict(cfg.get('bbam_labels', {}))
    report = generate_bbam_labels(cfg, split_name(cfg, args.split), args.seeds, args.out,
                                  nproc=args.nproc, **settings)
    if report is not None:
        shown = {k: v for k, v in report.items() if k.endswith('instance_mean_iou')}
        shown.update({f'{k}_mIoU': v['mIoU'] for k, v in report.items()
                      if k.endswith('semantic')})
        print(json.dumps(shown))


if __name__ == '__main__':
    main()
