"""Train a model from a config, as mmseg's ``tools/train.py`` does.

    python tools/train.py configs/amn_voc.py [--dataset DATASET_CONFIG] [--work-dir DIR]
        [--resume] [--amp] [--cfg-options k=v ...] [--launcher none|pytorch|slurm|mpi]

Multi-GPU: ``bash tools/dist_train.sh CONFIG GPUS`` (torchrun) or
``bash tools/slurm_train.sh PARTITION JOB CONFIG``; both use MMEngine's launcher.
"""
import argparse

from wsss_plugins.engine import (add_config_args, add_runner_args, build_runner,
                                 load_runner_config)


def main():
    parser = argparse.ArgumentParser(description='Train a wsss_plugins model')
    add_config_args(parser)
    parser.add_argument('--resume', action='store_true',
                        help='resume from the latest checkpoint in the work_dir')
    parser.add_argument('--amp', action='store_true', help='automatic mixed precision')
    args = add_runner_args(parser).parse_args()
    cfg = load_runner_config(args)
    from wsss_plugins.utils.weights import WeightsMissing, require_weights
    try:  # before anything is built: a missing pretrained file is named, not a URLError
        require_weights(cfg, args.config)
    except WeightsMissing as e:
        raise SystemExit(str(e)) from None
    if args.amp:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    cfg.resume = args.resume
    build_runner(cfg).train()


if __name__ == '__main__':
    main()
