"""Build a dataset for one named split outside a Runner (seed, IR-label, pseudo-label tools)."""
import copy


def build_split_dataset(cfg, split, seg_map_path=None, pipeline=None, data_root=None):
    """Dataset of ``split`` from a config's ``infer_dataset`` and ``splits`` (the
    ``configs/_base_/datasets/<name>.py`` variables).

    Args:
        seg_map_path: ``None`` (images and image-level labels only), ``'gt'`` (the
            split's ground truth) or a directory of label PNGs (IR / pseudo labels).
        pipeline: replaces ``infer_dataset.pipeline``.
        data_root: replaces the config's data root.
    """
    from mmengine.registry import init_default_scope
    from mmseg.registry import DATASETS

    for key in ('infer_dataset', 'splits'):
        if key not in cfg:
            raise KeyError(f'config {cfg.filename}: missing `{key}` (inherit a dataset base '
                           'from configs/_base_/datasets/)')
    if split not in cfg.splits:
        raise KeyError(f'config {cfg.filename}: unknown split {split!r}; '
                       f'known: {", ".join(cfg.splits)}')
    spec = cfg.splits[split]
    ds_cfg = copy.deepcopy(cfg.infer_dataset)
    if data_root is not None:
        ds_cfg['data_root'] = data_root
    if pipeline is not None:
        ds_cfg['pipeline'] = pipeline
    if seg_map_path == 'gt':
        seg_map_path = spec['gt_seg_map_path']
    ds_cfg['ann_file'] = spec['ann_file']
    ds_cfg['data_prefix'] = dict(img_path=spec.get('img_path', 'JPEGImages'),
                                 seg_map_path=seg_map_path)
    if 'img_labels_from' in spec:  # else the dataset's own (VOC layout: Annotations)
        ds_cfg['img_labels_from'] = spec['img_labels_from']
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    return DATASETS.build(ds_cfg)
