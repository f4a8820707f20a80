"""Build a dataset for one named split outside a Runner (seed, IR-label, pseudo-label tools)."""


def build_split_dataset(cfg, split, seg_map_path=None, pipeline=None):
    """Dataset of ``split`` (a split name or role, see ``datasets.config.split_name``) from
    the config's dataset keys; ``seg_map_path``: ``None`` (images and image-level labels),
    ``'gt'`` (the split's ground truth) or a directory of label PNGs (IR / pseudo labels);
    ``pipeline`` replaces the dataset's ``infer_pipeline``."""
    from mmengine.registry import init_default_scope
    from mmseg.registry import DATASETS

    from .config import split_dataset_cfg
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    return DATASETS.build(split_dataset_cfg(cfg, split, seg_map_path, pipeline))
