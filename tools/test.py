"""Test a checkpoint, as mmseg's ``tools/test.py`` does.

    python tools/test.py CONFIG CHECKPOINT [--dataset DATASET_CONFIG] [--work-dir DIR]
        [--out PRED_DIR] [--tta] [--cfg-options k=v ...] [--launcher none|pytorch|slurm|mpi]
"""
import argparse
import json
import os.path as osp

from wsss_plugins.engine import (add_config_args, add_runner_args, build_runner,
                                 load_runner_config)


def main():
    parser = argparse.ArgumentParser(description='Test (and evaluate) a wsss_plugins model')
    add_config_args(parser, checkpoint=True)
    parser.add_argument('--out', help='directory to write the predicted label PNGs to')
    parser.add_argument('--tta', action='store_true',
                        help='test-time augmentation: cfg.tta_model wraps cfg.model and '
                             'cfg.tta_pipeline replaces the test pipeline')
    args = add_runner_args(parser).parse_args()
    cfg = load_runner_config(args)
    cfg.load_from = args.checkpoint
    if args.tta:
        missing = [k for k in ('tta_model', 'tta_pipeline') if k not in cfg]
        if missing:
            raise KeyError(f'{args.config}: --tta needs {" and ".join(missing)} in the config')
        cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
        cfg.tta_model.module = cfg.model
        cfg.model = cfg.tta_model
    if args.out is not None:
        cfg.test_evaluator['output_dir'] = args.out
        cfg.test_evaluator['keep_results'] = True
    metrics = build_runner(cfg).test()
    # Machine-readable result for scripts (the pipeline report reads it).
    from wsss_plugins.utils import atomic_write
    with atomic_write(osp.join(cfg.work_dir, 'test_metrics.json'), 'w') as f:
        json.dump({k: float(v) for k, v in metrics.items()}, f, indent=1)


if __name__ == '__main__':
    main()
