"""Generate seed files (IRN format: keys, cam, high_res) for a split.

    python tools/make_seeds.py CONFIG CHECKPOINT --method {cam,advcam,...} --split train \
        --out work_dirs/seeds/advcam [--mode optimized|reference] [--data-root DIR] \
        [--cfg-options seed_generators.advcam.adv_iter=27 ...] [--device cuda]
    torchrun --nproc_per_node 4 tools/make_seeds.py ...   # sharded across ranks

A method is a ``SEED_GENERATORS`` entry (``cam`` → ``CAM``); its options come from
``seed_generators.<method>`` in the config when present (override with --cfg-options).
Existing seed files are skipped, so an interrupted run resumes.  Images that fail are
listed at the end and the exit status is 1.
"""
import argparse
import copy
import os
import sys

from mmengine.config import Config, DictAction

import wsss_plugins  # noqa: F401 - registers the seed generators
from wsss_plugins.engine import add_pass_args
from wsss_plugins.registry import SEED_GENERATORS


def method_names():
    return {name.lower(): name for name in SEED_GENERATORS.module_dict}


def parse_args():
    methods = method_names()
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('--method', required=True, choices=sorted(methods))
    parser.add_argument('--split', default='train', help='a split of the config (default train)')
    parser.add_argument('--out', required=True, help='output directory of the seed files')
    parser.add_argument('--mode', choices=['optimized', 'reference'], default=None,
                        help='generator execution mode (same seeds; default optimized)')
    parser.add_argument('--data-root', help='override the dataset root of the config')
    parser.add_argument('--non-strict', action='store_true',
                        help='load a checkpoint whose keys or shapes do not all fit the model')
    parser.add_argument('--device', default=None, help='default: cuda:LOCAL_RANK if available')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. seed_generators.advcam.adv_iter=10')
    return add_pass_args(parser).parse_args()


def main():
    args = parse_args()
    from wsss_plugins.datasets import build_split_dataset
    from wsss_plugins.engine import default_device, init_pass_launcher
    from wsss_plugins.apis.seed_pass import build_seed_generator, generate_seeds
    from wsss_plugins.utils.checkpoint import load_model

    rank, world_size = init_pass_launcher(args.launcher)  # gloo without CUDA
    device = args.device or default_device()

    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    model = load_model(cfg, args.checkpoint, device, strict=not args.non_strict)

    gen_cfg = copy.deepcopy(cfg.get('seed_generators', {}).get(args.method, {}))
    gen_cfg = dict(gen_cfg, type=gen_cfg.get('type', method_names()[args.method]))
    if args.data_root and 'data_root' in gen_cfg:  # e.g. AMN's relative ir_label_dir
        gen_cfg['data_root'] = args.data_root
    if args.mode is not None:
        gen_cfg['mode'] = args.mode
    generator = build_seed_generator(gen_cfg, model)

    dataset = build_split_dataset(cfg, args.split, data_root=args.data_root)
    os.makedirs(args.out, exist_ok=True)
    result = generate_seeds(generator, dataset, args.out, rank, world_size)
    print(f'[rank {rank}/{world_size}] {args.method} seeds in {args.out}: '
          f'{result["written"]} written, {result["skipped"]} already there, '
          f'{len(result["failures"])} failed', flush=True)
    for name, message in result['failures']:
        print(f'FAILED {name}: {message}', file=sys.stderr, flush=True)
    sys.exit(1 if result['failures'] else 0)


if __name__ == '__main__':
    main()
