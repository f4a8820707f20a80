"""What the CLI tools share when they hand a config to MMEngine's Runner/launcher.

Multi-process runs keep the single-process recipe (the references train with one process,
``DataParallel``): ``train_dataloader.batch_size`` in every config is the **global** batch
(CAM/AMN 16, IRN 32, DeepLab-v2 10), and under a launcher with N processes each process
loads batch/N, so the LR, the poly schedule's length (iterations per epoch) and the loss
normalisation stay those of the reference. ``auto_scale_lr.base_batch_size`` records the
reference batch; enabling it scales the LR by (global batch / reference batch).
"""
import atexit
import os
import os.path as osp

import torch
from mmengine.config import DictAction


def add_config_args(parser, checkpoint=False):
    """``CONFIG [CHECKPOINT] [--dataset DATASET_CONFIG] [--cfg-options ...]``: the config
    arguments of every tool (one convention; ``load_tool_config`` reads them)."""
    parser.add_argument('config', help='config file (a method config; the evaluators also '
                        'take a dataset config)')
    if checkpoint:
        parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--dataset', metavar='DATASET_CONFIG',
                        help="a dataset config (configs/_base_/datasets/*.py) replacing the "
                             "config's own dataset")
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. data_root=DIR '
                             'train_cfg.max_iters=100')
    return parser


def load_tool_config(args):
    """The config of a tool's arguments (``add_config_args``), dataset bound in."""
    from ..datasets.config import load_config
    return load_config(args.config, args.dataset, args.cfg_options)


def load_evaluated_split(args):
    """``(cfg, split, dataset, items)`` of an evaluation tool's ``--split`` (items with GT
    maps, ``apis.label_passes.split_items``); an error when the split has no ground truth."""
    from ..apis.label_passes import split_items
    from ..datasets.config import split_name
    cfg = load_tool_config(args)
    split = split_name(cfg, args.split)
    dataset, items = split_items(cfg, split)
    if items[0]['seg_map_path'] is None:
        raise ValueError(f'split {split!r} has no ground truth to evaluate against')
    return cfg, split, dataset, items


def add_runner_args(parser):
    """The options every Runner-based tool takes, as in mmseg's tools."""
    parser.add_argument('--work-dir', help='the dir to save logs, checkpoints and metrics')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher (torchrun: pytorch)')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    return parser


def load_runner_config(args):
    """Config with CLI overrides; work_dir priority: CLI > config > ./work_dirs/<stem>.

    Under a launcher this also starts the process group (gloo without CUDA) and turns the
    config's global batch into the per-process one (``split_global_batch``).
    """
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    cfg = load_tool_config(args)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    world_size = init_distributed(args.launcher, cfg.get('env_cfg', {}).get('dist_cfg', {}))
    if world_size > 1:
        split_global_batch(cfg, world_size, args.config)
        if not torch.cuda.is_available():
            separate = cfg.get('model_wrapper_cfg', None) and \
                cfg.model_wrapper_cfg.get('type') == 'MMSeparateDistributedDataParallel'
            cfg.model_wrapper_cfg = dict(
                type='CPUSeparateDistributedDataParallel' if separate
                else 'CPUDistributedDataParallel',
                find_unused_parameters=cfg.get('find_unused_parameters', False))
    return cfg


def build_runner(cfg):
    from mmengine.runner import Runner
    if 'runner_type' in cfg:
        from mmseg.registry import RUNNERS
        return RUNNERS.build(cfg)
    return Runner.from_cfg(cfg)


def add_pass_args(parser, checkpoint=False, seeds=False, device=False):
    """The arguments of every per-image pass tool (seeds, IR labels, pseudo labels):
    ``CONFIG [CHECKPOINT] [--seeds DIR] --out DIR [--split S] [--dataset D] [--device]
    [--cfg-options] [--launcher]``."""
    add_config_args(parser, checkpoint)
    if seeds:
        parser.add_argument('--seeds', required=True, metavar='DIR',
                            help='directory of <name>.npy seeds (IRN format)')
    parser.add_argument('--out', required=True, metavar='DIR', help='output directory')
    add_split_arg(parser, 'train_split')
    if device:
        parser.add_argument('--device', default=None,
                            help='default: cuda:LOCAL_RANK when CUDA is available, else cpu')
    parser.add_argument('--launcher', choices=['none', 'pytorch'], default=None,
                        help='default: pytorch when started by torchrun (WORLD_SIZE > 1): '
                             'the images are sharded over the processes')
    return parser


def finish_pass(result, what, rank, world_size):
    """Print a per-image pass's outcome (``apis.per_image.run_per_image``), name the failed
    images and exit with status 1 if any failed."""
    import sys
    print(f'[rank {rank}/{world_size}] {what}: {result["written"]} written, '
          f'{result["skipped"]} already there, {len(result["failures"])} failed', flush=True)
    for name, message in result['failures']:
        print(f'FAILED {name}: {message}', file=sys.stderr, flush=True)
    sys.exit(1 if result['failures'] else 0)


def add_split_arg(parser, role):
    """``--split``: a split of the dataset; default the dataset's ``role`` (its
    ``train_split`` for the passes, ``eval_split`` for the evaluators)."""
    parser.add_argument('--split', default=role,
                        help=f"a split name of the dataset (default: its {role})")


def init_pass_launcher(launcher):
    """Start the process group of a per-image pass tool; returns (rank, world size)."""
    from mmengine.dist import get_dist_info
    if launcher is None:
        launcher = 'pytorch' if int(os.environ.get('WORLD_SIZE', 1)) > 1 else 'none'
    init_distributed(launcher)
    return get_dist_info()


def init_distributed(launcher, dist_cfg=None):
    """Start the process group of ``launcher`` (if any); returns the world size.

    With CUDA this is MMEngine's ``init_dist`` (the config's backend, NCCL by default).
    Without CUDA, MMEngine's ``init_dist`` fails in every rank (it calls
    ``torch.cuda.set_device`` unconditionally), so the group is started here with gloo from
    torchrun's environment; the Runner then sees an initialised group and skips its own.
    """
    import torch.distributed as dist
    if launcher in (None, 'none'):
        return 1
    if dist.is_available() and dist.is_initialized():
        return dist.get_world_size()
    dist_cfg = dict(dist_cfg or {})
    if torch.cuda.is_available():
        from mmengine.dist import init_dist
        init_dist(launcher, **dist_cfg)
    elif launcher == 'pytorch':
        dist_cfg.pop('backend', None)
        dist.init_process_group(backend='gloo', **dist_cfg)
        # A gloo group left open at exit can abort a rank in teardown ("terminate called
        # without an active exception", seen once in a 2-process test): close it.
        atexit.register(_destroy_process_group)
    else:
        raise RuntimeError(f'--launcher {launcher} without CUDA is not supported; on CPU '
                           'machines start the processes with torchrun (--launcher pytorch)')
    return dist.get_world_size()


def _destroy_process_group():
    import torch.distributed as dist
    if dist.is_initialized():
        dist.destroy_process_group()


def split_global_batch(cfg, world_size, config_name='the config'):
    """``train_dataloader.batch_size`` (the global batch) → the per-process batch."""
    loader = cfg.get('train_dataloader') or {}
    batch = loader.get('batch_size')
    if batch is None:
        return
    if batch % world_size:
        raise ValueError(
            f'{config_name}: train_dataloader.batch_size={batch} is the global batch (the '
            f'reference recipe) and does not split over {world_size} processes; choose a '
            f'process count that divides it, or set the global batch with --cfg-options '
            f'train_dataloader.batch_size=N (and auto_scale_lr.enable=True to scale the LR)')
    loader['batch_size'] = batch // world_size
    cfg.setdefault('auto_scale_lr', dict(enable=False, base_batch_size=batch))
    # MMEngine's auto_scale_lr compares the reference batch with world × per-process batch,
    # which is again the global batch: the LR changes only when the global batch does.


def default_device():
    """``cuda:LOCAL_RANK`` when CUDA is available (one GPU per torchrun process), else cpu."""
    if torch.cuda.is_available():
        return f'cuda:{os.environ.get("LOCAL_RANK", 0)}'
    return 'cpu'
