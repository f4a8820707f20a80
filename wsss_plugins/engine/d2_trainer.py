"""Detectron2 training and testing of our detectors: Detectron2's ``DefaultTrainer`` (its
hooks, checkpointer, ``launch`` for multi-GPU) with the dataset config's splits registered
(``datasets/d2_instances.py``), the ignore-region mapper, and evaluation by Detectron2's
``COCOEvaluator`` (box / mask AP) beside ``InstanceSegEvaluator`` (mAP^r, ABO: the metric code
of the MMDetection path) where the split has ``SegmentationObject``.
"""
import hashlib
import os.path as osp

from ..datasets.config import dataset_classes, load_dataset_config, split_name
from ..datasets.d2_instances import ignore_region_mapper_class, register_split_instances
from ..utils.d2_config import bind_num_classes, load_d2_config


def wsss_dataset_config(cfg):
    """The dataset config named by ``cfg.WSSS.DATASET`` (``WSSS.DATA_ROOT`` overriding its
    root)."""
    if not cfg.WSSS.DATASET:
        raise KeyError('the Detectron2 config names no dataset: set WSSS.DATASET or pass '
                       '--dataset configs/_base_/datasets/<name>.py')
    ds = load_dataset_config(cfg.WSSS.DATASET)
    if cfg.WSSS.DATA_ROOT:
        ds.data_root = cfg.WSSS.DATA_ROOT
    return ds


def _register(ds, split, json_file=None, ignore_json=None, every_class=False):
    name = split_name(ds, split)
    spec = ds.splits[name]
    if json_file is None:
        if not spec.get('instances'):
            raise KeyError(f'split {name!r} of {ds.filename} has no `instances` json (COCO '
                           'format; tools/dataset_converters/voc_to_coco.py)')
        json_file = osp.join(ds.data_root, spec['instances'])
    image_root = osp.join(ds.data_root, spec.get('img_path', 'JPEGImages'))
    key = hashlib.sha1(f'{json_file}|{ignore_json}|{image_root}'.encode()).hexdigest()[:8]
    return register_split_instances(f'wsss_{name}_{key}', json_file, image_root,
                                    dataset_classes(ds)[1:], ignore_json, every_class)


def setup_d2_config(path, dataset=None, opts=()):
    """The frozen Detectron2 config of ``path`` + ``opts`` on ``dataset`` (default its
    ``WSSS.DATASET``): class count bound, ``DATASETS.TRAIN`` / ``TEST`` the registered
    training split (or ``WSSS.TRAIN_JSON`` with ``WSSS.IGNORE_JSON``) and test split."""
    cfg = load_d2_config(path, opts)
    if dataset:
        cfg.WSSS.DATASET = dataset
    ds = wsss_dataset_config(cfg)
    bind_num_classes(cfg, len(dataset_classes(ds)) - 1, path)
    cfg.DATASETS.TRAIN = (_register(ds, cfg.WSSS.TRAIN_SPLIT, cfg.WSSS.TRAIN_JSON or None,
                                    cfg.WSSS.IGNORE_JSON or None),)
    cfg.DATASETS.TEST = (_register(ds, cfg.WSSS.TEST_SPLIT, every_class=True),)
    cfg.freeze()
    return cfg


def trainer_class():
    """``WSSSTrainer`` (Detectron2 imported on first use)."""
    from detectron2.data import build_detection_train_loader
    from detectron2.engine import DefaultTrainer
    from detectron2.evaluation import COCOEvaluator, DatasetEvaluators

    from ..evaluation.d2_evaluator import InstanceSegEvaluator, has_instance_ground_truth
    from ..models.detection import d2_backbone, d2_mask_head  # noqa: F401 - registered parts

    class WSSSTrainer(DefaultTrainer):

        @classmethod
        def build_optimizer(cls, cfg, model):
            if cfg.SOLVER.OPTIMIZER == 'SGD':
                return DefaultTrainer.build_optimizer(cfg, model)
            if cfg.SOLVER.OPTIMIZER != 'ADAM':
                raise KeyError(f'SOLVER.OPTIMIZER={cfg.SOLVER.OPTIMIZER!r}: SGD or ADAM')
            import torch
            from detectron2.solver.build import (get_default_optimizer_params,
                                                 maybe_add_gradient_clipping)
            params = get_default_optimizer_params(
                model, base_lr=cfg.SOLVER.BASE_LR, weight_decay_norm=cfg.SOLVER.WEIGHT_DECAY_NORM,
                bias_lr_factor=cfg.SOLVER.BIAS_LR_FACTOR,
                weight_decay_bias=cfg.SOLVER.WEIGHT_DECAY_BIAS)
            return maybe_add_gradient_clipping(cfg, torch.optim.Adam(
                params, lr=cfg.SOLVER.BASE_LR, weight_decay=cfg.SOLVER.WEIGHT_DECAY))

        @classmethod
        def build_train_loader(cls, cfg):
            return build_detection_train_loader(
                cfg, mapper=ignore_region_mapper_class()(cfg, is_train=True))

        @classmethod
        def build_evaluator(cls, cfg, dataset_name, output_folder=None):
            evaluators = [COCOEvaluator(dataset_name, output_dir=output_folder
                                        or osp.join(cfg.OUTPUT_DIR, 'inference'))]
            ds = wsss_dataset_config(cfg)
            if cfg.MODEL.MASK_ON and has_instance_ground_truth(ds.data_root):
                spec = ds.splits[split_name(ds, cfg.WSSS.TEST_SPLIT)]
                evaluators.append(InstanceSegEvaluator(
                    dataset_classes(ds)[1:], data_root=ds.data_root,
                    class_dir=spec.get('gt_seg_map_path') or 'SegmentationClass',
                    prediction_dir=cfg.WSSS.PREDICTION_DIR or None))
            return DatasetEvaluators(evaluators)

    return WSSSTrainer


def flatten_metrics(results):
    """``{'bbox': {'AP': ..}, 'instance': {'sds_mAPr_50': ..}}`` → ``{'bbox/AP': ..,
    'instance/sds_mAPr_50': ..}`` (the MMDetection path's ``instance/`` keys)."""
    return {f'{task}/{k}': float(v) for task, metrics in results.items()
            for k, v in metrics.items()}
