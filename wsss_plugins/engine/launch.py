"""What the CLI tools share when they hand a config to MMEngine's Runner/launcher."""
import os
import os.path as osp

import torch
from mmengine.config import Config, DictAction


def add_runner_args(parser):
    """The options every Runner-based tool takes, as in mmseg's tools."""
    parser.add_argument('--work-dir', help='the dir to save logs, checkpoints and metrics')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config settings, e.g. train_cfg.max_iters=100')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
                        default='none', help='job launcher (torchrun: pytorch)')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    return parser


def load_runner_config(args):
    """Config with CLI overrides; work_dir priority: CLI > config > ./work_dirs/<stem>."""
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs', osp.splitext(osp.basename(args.config))[0])
    return adapt_dist_backend(cfg)


def build_runner(cfg):
    from mmengine.runner import Runner
    if 'runner_type' in cfg:
        from mmseg.registry import RUNNERS
        return RUNNERS.build(cfg)
    return Runner.from_cfg(cfg)


def adapt_dist_backend(cfg):
    """Use gloo when a distributed launch has no CUDA (NCCL needs GPUs), so the same
    config runs under torchrun on CPU machines too."""
    if cfg.get('launcher', 'none') == 'none' or torch.cuda.is_available():
        return cfg
    env_cfg = cfg.setdefault('env_cfg', {})
    dist_cfg = env_cfg.setdefault('dist_cfg', {})
    if dist_cfg.get('backend', 'nccl') == 'nccl':
        dist_cfg['backend'] = 'gloo'
    return cfg
