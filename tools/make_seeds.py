"""Generate seed files (IRN format: keys, cam, high_res) for a split.

    python tools/make_seeds.py CONFIG CHECKPOINT --method {cam,advcam,...} \
        --out work_dirs/seeds/advcam [--split train_aug] [--dataset DATASET_CONFIG] \
        [--mode optimized|reference] [--device cuda] [--batch-size 8] [--autocast bf16] \
        [--cfg-options seed_generators.advcam.adv_iter=27 data_root=DIR ...]
    torchrun --nproc_per_node 4 tools/make_seeds.py ...   # sharded across ranks

A method is a ``SEED_GENERATORS`` entry (``cam`` → ``CAM``); its options come from
``seed_generators.<method>`` in the config when present (override with --cfg-options).
``--split`` defaults to the dataset's ``train_split`` (the images the next stage trains on).
Existing seed files are skipped, so an interrupted run resumes.  Images that fail are
listed at the end and the exit status is 1.
"""
import argparse
import copy
import inspect
import os

import wsss_plugins  # noqa: F401 - registers the seed generators
from wsss_plugins.engine import add_pass_args
from wsss_plugins.registry import SEED_GENERATORS


def method_names():
    return {name.lower(): name for name in SEED_GENERATORS.module_dict}


def parse_args():
    methods = method_names()
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_pass_args(parser, checkpoint=True, device=True)
    parser.add_argument('--method', required=True, choices=sorted(methods))
    parser.add_argument('--mode', choices=['optimized', 'reference'], default=None,
                        help='generator execution mode (same seeds; default optimized)')
    parser.add_argument('--batch-size', type=int, default=1,
                        help='images of one size per forward (GPU; on the CPU only small images gain)')
    parser.add_argument('--autocast', choices=['bf16', 'fp16'], default=None,
                        help='run the network under torch.autocast (GPU; optimized mode)')
    parser.add_argument('--non-strict', action='store_true',
                        help='load a checkpoint whose keys or shapes do not all fit the model')
    return parser.parse_args()


def main():
    args = parse_args()
    from wsss_plugins.apis.seed_pass import build_seed_generator, generate_seeds
    from wsss_plugins.datasets import build_split_dataset
    from wsss_plugins.datasets.config import split_name
    from wsss_plugins.engine import (default_device, finish_pass, init_pass_launcher,
                                     load_tool_config)
    from wsss_plugins.utils.checkpoint import load_model

    rank, world_size = init_pass_launcher(args.launcher)  # gloo without CUDA
    device = args.device or default_device()
    cfg = load_tool_config(args)
    model = load_model(cfg, args.checkpoint, device, strict=not args.non_strict)

    gen_cfg = copy.deepcopy(cfg.get('seed_generators', {}).get(args.method, {}))
    gen_cfg = dict(gen_cfg, type=gen_cfg.get('type', method_names()[args.method]))
    generator_cls = SEED_GENERATORS.get(gen_cfg['type'])
    if generator_cls is not None and 'data_root' in inspect.signature(generator_cls).parameters:
        gen_cfg.setdefault('data_root', cfg.data_root)  # e.g. AMN's relative ir_label_dir
    if args.mode is not None:
        gen_cfg['mode'] = args.mode
    if args.autocast is not None:
        gen_cfg['autocast'] = args.autocast
    generator = build_seed_generator(gen_cfg, model)

    split = split_name(cfg, args.split)
    dataset = build_split_dataset(cfg, split)
    os.makedirs(args.out, exist_ok=True)
    result = generate_seeds(generator, dataset, args.out, rank, world_size,
                            batch_size=args.batch_size)
    finish_pass(result, f'{args.method} seeds of {split} in {args.out}', rank, world_size)


if __name__ == '__main__':
    main()
