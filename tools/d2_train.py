"""Train or test a Detectron2 detector (Faster R-CNN / Mask R-CNN) on a dataset config's splits.

    python tools/d2_train.py configs/detectron2/faster_rcnn_R_101_FPN_voc.yaml \
        [--dataset configs/_base_/datasets/voc12.py] [--work-dir DIR] [--resume] \
        [--num-gpus 8] [KEY VALUE ...]
    python tools/d2_train.py CONFIG.yaml --eval-only --weights DIR/model_final.pth [...]
    # Mask R-CNN on BBAM's pseudo instances (seed-growing loss on their th 0.2 regions):
    python tools/d2_train.py configs/detectron2/mask_rcnn_R_101_FPN_voc.yaml \
        WSSS.TRAIN_JSON LABELS/instances_th0.85.json WSSS.IGNORE_JSON LABELS/instances_th0.2.json

Detectron2's own machinery: its yacs config (``KEY VALUE`` pairs override it, as in its
``train_net.py``), ``DefaultTrainer`` and ``launch`` (``--num-gpus``, ``--num-machines``,
``--machine-rank``, ``--dist-url``: Detectron2's multi-GPU launcher; SOLVER.IMS_PER_BATCH is
the global batch). The work dir (default ``work_dirs/<config name>``) gets Detectron2's log,
``config.yaml``, ``model_final.pth`` and ``last_checkpoint``; ``--eval-only`` writes
``test_metrics.json`` (``bbox/AP*``, ``segm/AP*`` from ``COCOEvaluator``; with instance ground
truth ``instance/sds_mAPr_50``, ... from the MMDetection path's ``InstanceSegMetric``).
"""
import argparse
import json
import os.path as osp


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', help='a Detectron2 yaml (configs/detectron2/)')
    parser.add_argument('--dataset', help='dataset config (default: the yaml\'s WSSS.DATASET)')
    parser.add_argument('--work-dir', help='OUTPUT_DIR (default work_dirs/<config name>)')
    parser.add_argument('--eval-only', action='store_true', help='test --weights only')
    parser.add_argument('--weights', help='checkpoint to test (loaded strictly)')
    parser.add_argument('--resume', action='store_true',
                        help='continue from the work dir\'s last checkpoint')
    parser.add_argument('--num-gpus', type=int, default=1, help='processes per machine')
    parser.add_argument('--num-machines', type=int, default=1)
    parser.add_argument('--machine-rank', type=int, default=0)
    parser.add_argument('--dist-url', default='auto')
    parser.add_argument('opts', nargs='*', help='KEY VALUE pairs of the config')
    args = parser.parse_intermixed_args()  # the pipeline runner appends --work-dir
    if args.eval_only and not args.weights:
        parser.error('--eval-only needs --weights')
    return args


def main(args):
    import torch
    from detectron2.engine import default_setup
    from detectron2.utils import comm

    import wsss_plugins  # noqa: F401 - compatibility shims
    from wsss_plugins.engine.d2_trainer import flatten_metrics, setup_d2_config, trainer_class
    from wsss_plugins.models.detection import build_d2_model
    from wsss_plugins.utils.io import atomic_write

    work_dir = args.work_dir or osp.join('work_dirs', osp.splitext(osp.basename(args.config))[0])
    opts = list(args.opts) + ['OUTPUT_DIR', work_dir]
    if not torch.cuda.is_available():
        opts += ['MODEL.DEVICE', 'cpu']
    cfg = setup_d2_config(args.config, args.dataset, opts)
    default_setup(cfg, argparse.Namespace(config_file=args.config, eval_only=args.eval_only))
    trainer = trainer_class()
    if args.eval_only:
        model = build_d2_model(cfg, args.weights, cfg.MODEL.DEVICE)
        metrics = flatten_metrics(trainer.test(cfg, model))
        if comm.is_main_process():
            with atomic_write(osp.join(work_dir, 'test_metrics.json'), 'w') as f:
                json.dump(metrics, f, indent=1)
            print(json.dumps({k: round(v, 2) for k, v in metrics.items()
                              if k.endswith(('AP', 'AP50', 'mAPr_50', 'mAPr_75', 'ABO'))}))
        return metrics
    runner = trainer(cfg)
    runner.resume_or_load(resume=args.resume)
    return runner.train()


if __name__ == '__main__':
    from detectron2.engine import launch
    args = parse_args()
    launch(main, args.num_gpus if args.num_gpus > 0 else 1, num_machines=args.num_machines,
           machine_rank=args.machine_rank, dist_url=args.dist_url, args=(args,))
