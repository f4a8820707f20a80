"""Build a dataset for one named split outside a Runner (seed, IR-label, pseudo-label tools)."""


def build_split_dataset(cfg, split, seg_map_path=None, pipeline=None):
    """Dataset of ``split`` (a split name or role, see ``datasets.config.split_name``) from
    the config's dataset keys; ``seg_map_path``: ``None`` (images and image-level labels),
    ``'gt'`` (the split's ground truth) or a directory of label PNGs (IR / pseudo labels);
    ``pipeline`` replaces the dataset's ``infer_pipeline``. Built in mmseg's scope (where the
    WSSS datasets are registered) whatever the config's scope (detection configs: mmdet)."""
    from mmengine.registry import DefaultScope
    from mmseg.registry import DATASETS

    from .config import split_dataset_cfg
    with DefaultScope.overwrite_default_scope('mmseg'):
        return DATASETS.build(split_dataset_cfg(cfg, split, seg_map_path, pipeline))
