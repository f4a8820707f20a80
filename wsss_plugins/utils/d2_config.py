"""Detectron2 configs of the project: Detectron2's own yacs ``CfgNode`` (``get_cfg()`` +
``merge_from_file`` + ``opts``), with the keys our components add declared first, as
Detectron2 projects do (``add_*_config``), and the class count bound to the dataset.

Keys added:

* ``MODEL.ROI_MASK_HEAD.SEED_GROWING`` / ``GROWTH_THRESHOLD``: BBAM's mask loss
  (``SeedGrowingMaskHead``, ``models/detection/d2_mask_head.py``); False = Detectron2's.
* ``SOLVER.OPTIMIZER``: ``"SGD"`` (Detectron2's) or ``"ADAM"`` (the toy recipes' optimiser,
  as the MMDetection toy configs; same parameter groups).
* ``WSSS.DATASET``: the dataset config (``configs/_base_/datasets/*.py``) whose splits the
  Detectron2 datasets are; ``WSSS.TRAIN_SPLIT`` / ``TEST_SPLIT`` (roles or names);
  ``WSSS.TRAIN_JSON`` / ``IGNORE_JSON``: instances replacing the training split's own
  (pseudo instances) and their ignore regions (BBAM's th 0.2); ``WSSS.PREDICTION_DIR``:
  class-map PNGs of the test predictions (``InstanceSegMetric``); ``WSSS.DATA_ROOT``: the
  dataset's root instead of its config's.

``MODEL.ROI_HEADS.NUM_CLASSES: -1`` takes the dataset's foreground class count; any other
number must equal it (an error names the yaml, the key and both numbers).
"""


def add_wsss_config(cfg):
    from detectron2.config import CfgNode as CN
    cfg.MODEL.ROI_MASK_HEAD.SEED_GROWING = True
    cfg.MODEL.ROI_MASK_HEAD.GROWTH_THRESHOLD = 0.9
    cfg.SOLVER.OPTIMIZER = 'SGD'
    cfg.WSSS = CN()
    cfg.WSSS.DATASET = ''
    cfg.WSSS.TRAIN_SPLIT = 'train_split'
    cfg.WSSS.TEST_SPLIT = 'val_split'
    cfg.WSSS.TRAIN_JSON = ''
    cfg.WSSS.IGNORE_JSON = ''
    cfg.WSSS.PREDICTION_DIR = ''
    cfg.WSSS.DATA_ROOT = ''


def load_d2_config(path, opts=(), num_classes=None):
    """The Detectron2 config of ``path`` with ``opts`` (``KEY VALUE ...``), not frozen;
    ``num_classes``: the dataset's foreground count, bound into ``NUM_CLASSES``."""
    import os.path as osp

    from detectron2.config import get_cfg
    if not osp.isfile(path):
        raise FileNotFoundError(f'no Detectron2 config {path}')
    cfg = get_cfg()
    add_wsss_config(cfg)
    try:
        cfg.merge_from_file(path)
        cfg.merge_from_list(list(opts))
    except (KeyError, AssertionError, ValueError) as e:
        raise KeyError(f'{path}: {e} (a key Detectron2 and wsss_plugins do not define, or an '
                       'odd number of opts?)') from None
    if num_classes is not None:
        bind_num_classes(cfg, num_classes, path)
    return cfg


def bind_num_classes(cfg, num_classes, path):
    declared = cfg.MODEL.ROI_HEADS.NUM_CLASSES
    if declared == -1:
        cfg.MODEL.ROI_HEADS.NUM_CLASSES = num_classes
    elif declared != num_classes:
        raise ValueError(f'{path}: MODEL.ROI_HEADS.NUM_CLASSES={declared} but the dataset '
                         f'has {num_classes} foreground classes (-1 takes the dataset\'s)')
