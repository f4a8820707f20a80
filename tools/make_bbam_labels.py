"""BBAM maps → pseudo instance masks (COCO json) and semantic labels (PNG) for a split.

    python tools/make_bbam_labels.py configs/bbam/faster-rcnn_r101_fpn_voc.py \
        --seeds work_dirs/voc/bbam --out work_dirs/voc/bbam_labels [--split train_aug] \
        [--nproc 8] [--dataset DATASET_CONFIG]

Per box (wsss_plugins/refine/bbam_labels.py, the reference's rule): the top 15% (th 0.85) or
80% (th 0.2) of the box area, Gaussian blur, two-label dense CRF, acceptance and box-fill
fallbacks. Writes ``OUT/instances_th0.85.json`` (the Mask R-CNN targets) and
``OUT/instances_th0.2.json`` (their ignore regions), ``OUT/semantic/<name>.png`` (the
DeepLab-v2 labels: 255 where two classes meet and on the ring between the two masks),
``OUT/box_semantic/`` (every box filled, the same rules: the baseline) and
``OUT/report.json``: semantic mIoU of both, and the mean IoU of the pseudo instances and of
the filled boxes with the ground-truth instances (``SegmentationObject``) when the split has
them. Resumable (``OUT/instances/<name>.json`` per image). MCG refinement is not part of
it (the reference's optional step 4 needs MCG proposals, a separate download).
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
    report = generate_bbam_labels(cfg, split_name(cfg, args.split), args.seeds, args.out,
                                  nproc=args.nproc)
    if report is not None:
        shown = {k: report.get(k) for k in ('instance_mean_iou', 'box_instance_mean_iou')}
        for key in ('semantic', 'box_semantic'):
            if key in report:
                shown[f'{key}_mIoU'] = report[key]['mIoU']
        print(json.dumps(shown))


if __name__ == '__main__':
    main()
