"""BBAM maps of every ground-truth box of a split, from a trained detector.

    python tools/make_bbam.py configs/bbam/faster-rcnn_r101_fpn_voc.py DETECTOR.pth \
        --out work_dirs/voc/bbam [--split train_aug] [--dataset DATASET_CONFIG] [--device cuda]
        [--cfg-options bbam.iterations=300 bbam.l1_weight=0.07 ...]
    torchrun --nproc_per_node 4 tools/make_bbam.py ...   # sharded across ranks

The attribution's settings are the config's ``bbam`` (configs/_base_/bbam.py); its adapter
runs the detector at the config's ``test_scale``. One ``<out>/<name>.npz`` per image
(``wsss_plugins/apis/bbam_pass.py``); existing files are skipped, so an interrupted run
resumes. Images that fail are listed at the end and the exit status is 1.
"""
import argparse
import os

import wsss_plugins  # noqa: F401 - registers BBAM and the adapters
from wsss_plugins.engine import add_pass_args


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_pass_args(parser, checkpoint=True, device=True)
    args = parser.parse_args()
    from wsss_plugins.apis.bbam_pass import build_bbam, generate_bbam, split_box_items
    from wsss_plugins.datasets.config import split_name
    from wsss_plugins.engine import (default_device, finish_pass, init_pass_launcher,
                                     load_tool_config)

    rank, world_size = init_pass_launcher(args.launcher)
    cfg = load_tool_config(args)
    bbam = build_bbam(cfg, args.checkpoint, args.device or default_device())

    split = split_name(cfg, args.split)
    items = split_box_items(cfg, split)
    os.makedirs(args.out, exist_ok=True)
    result = generate_bbam(bbam, items, args.out, rank, world_size)
    finish_pass(result, f'BBAM maps of {split} in {args.out}', rank, world_size)


if __name__ == '__main__':
    main()
