"""One dataset config per dataset, bound late into every method config.

A dataset config (``configs/_base_/datasets/<name>.py``) holds the data and nothing else:
``dataset_type``, ``data_root``, ``class_names`` (optional when the type names its
classes), ``img_labels_from``, ``splits`` (``ann_file``, ``gt_seg_map_path``, optional
``img_path`` and ``img_labels_from``), the split roles ``train_split`` (what the models
train on and the seeds/masks are made for), ``eval_split`` (where seeds and masks are
scored) and ``val_split`` (segmentation validation/test), the ``infer_pipeline``, and optionally the
out-of-distribution images of W-OoD (``ood_list``, ``ood_root``, relative to ``data_root``)
and the toy generator's variant (``toy_variant``).
Method configs describe loaders by split (``dataset=dict(split='eval_split', pipeline=…)``)
and leave class counts at ``None``; :func:`resolve_dataset` fills both from the dataset
keys *after* every override, so a dataset config given with ``--dataset``, or a
``data_root`` set in a child config or on the command line, reaches every loader, the
inference datasets and the model heads alike. (Old-style ``_base_`` lists cannot express
this: a value filled by ``{{_base_.data_root}}`` is fixed when the base is read, and a
method config and a dataset config cannot both be bases when both define dataset keys.)
"""
import copy
import os.path as osp

#: The keys a dataset config owns; ``--dataset`` replaces exactly these.
DATASET_KEYS = ('dataset_type', 'data_root', 'class_names', 'img_labels_from', 'splits',
                'train_split', 'eval_split', 'val_split', 'infer_pipeline', 'ood_list',
                'ood_root', 'toy_variant')
ROLE_DEFAULTS = dict(train_split='train_aug', eval_split='train', val_split='val')
#: Where models keep their class count, and whether it counts the background.
CLASS_COUNT_KEYS = {('num_classes', ): 'foreground', ('num_fg_classes', ): 'foreground',
                    ('decode_head', 'num_classes'): 'with background',
                    ('auxiliary_head', 'num_classes'): 'with background',
                    ('roi_head', 'bbox_head', 'num_classes'): 'foreground',
                    ('roi_head', 'mask_head', 'num_classes'): 'foreground'}
LOADERS = dict(train_dataloader='train_split', val_dataloader='val_split',
               test_dataloader='val_split')


class DatasetConfigError(ValueError):
    """A dataset or method config that does not fit; the message names file and key."""


def load_config(path, dataset=None, cfg_options=None):
    """``path`` with the dataset config ``dataset`` (if given) and ``cfg_options`` applied,
    then resolved (:func:`resolve_dataset`). Every tool loads its config here."""
    from mmengine.config import Config
    if not osp.isfile(path):
        raise FileNotFoundError(f'config not found: {path}')
    cfg = Config.fromfile(path)
    if dataset is not None:
        merge_dataset(cfg, load_dataset_config(dataset))
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    return resolve_dataset(cfg)


def load_dataset_config(path):
    from mmengine.config import Config
    if not osp.isfile(path):
        raise FileNotFoundError(f'dataset config not found: {path}')
    ds = Config.fromfile(path)
    missing = [k for k in ('dataset_type', 'data_root', 'splits') if k not in ds]
    if missing:
        raise DatasetConfigError(f'{path} is not a dataset config: it sets no '
                                 f'{", ".join(missing)} (see configs/_base_/datasets/)')
    extra = sorted(set(ds) - set(DATASET_KEYS))
    if extra:
        raise DatasetConfigError(f'{path}: a dataset config holds only the dataset keys '
                                 f'({", ".join(DATASET_KEYS)}); unknown: {", ".join(extra)}')
    return ds


def merge_dataset(cfg, ds):
    """Replace the dataset keys of ``cfg`` by those of the dataset config ``ds``."""
    for key in DATASET_KEYS:
        if key in cfg:
            cfg.pop(key)
        if key in ds:
            cfg[key] = copy.deepcopy(ds[key])
    cfg['dataset_config'] = ds.filename


def dataset_classes(cfg):
    """The class names (index 0 = background) of the config's dataset."""
    if cfg.get('class_names'):
        return tuple(cfg.class_names)
    from mmseg.registry import DATASETS
    import wsss_plugins.datasets  # noqa: F401 - registers the dataset types
    dataset_cls = DATASETS.get(cfg.dataset_type)
    if dataset_cls is None:
        raise DatasetConfigError(f'{_name(cfg)}: unknown dataset_type {cfg.dataset_type!r}')
    classes = getattr(dataset_cls, 'METAINFO', {}).get('classes')
    if not classes:
        raise DatasetConfigError(f'{_name(cfg)}: dataset_type {cfg.dataset_type} names no '
                                 'classes: set `class_names` (background first)')
    return tuple(classes)


def split_dataset_cfg(cfg, split, seg_map_path=None, pipeline=None):
    """The dataset dict of one split: type, root, list file, image/label directories and
    the image-label source from the dataset keys.

    ``split`` is a split name or a role (``'train_split'``, ``'eval_split'``,
    ``'val_split'``); ``seg_map_path`` is ``None`` (images and image labels only), ``'gt'``
    (the split's ground truth) or a directory of label PNGs (relative to ``data_root``).
    """
    from .class_names import voc_palette
    for key in ('dataset_type', 'data_root', 'splits'):
        if key not in cfg:
            raise DatasetConfigError(f'{_name(cfg)}: no `{key}`: inherit a dataset config '
                                     '(configs/_base_/datasets/) or pass --dataset')
    name = split_name(cfg, split)
    spec = cfg.splits[name]
    if seg_map_path == 'gt':
        if not spec.get('gt_seg_map_path'):
            raise DatasetConfigError(f'{_name(cfg)}: split {name!r} has no gt_seg_map_path')
        seg_map_path = spec['gt_seg_map_path']
    classes = dataset_classes(cfg)
    ds = dict(type=cfg.dataset_type, data_root=cfg.data_root, ann_file=spec['ann_file'],
              data_prefix=dict(img_path=spec.get('img_path', 'JPEGImages'),
                               seg_map_path=seg_map_path),
              pipeline=pipeline if pipeline is not None else cfg.get('infer_pipeline', []))
    source = spec.get('img_labels_from', cfg.get('img_labels_from'))
    if source is not None:
        ds['img_labels_from'] = source
    if cfg.get('class_names'):
        ds['metainfo'] = dict(classes=classes, palette=voc_palette(len(classes)))
    return ds


def split_name(cfg, split):
    """A split name of ``cfg.splits``, also through a role key (``'eval_split'``)."""
    if split in ROLE_DEFAULTS:
        split = cfg.get(split, ROLE_DEFAULTS[split])
    if split not in cfg.splits:
        raise DatasetConfigError(f'{_name(cfg)}: unknown split {split!r}; the dataset has '
                                 f'{", ".join(cfg.splits)}')
    return split


def resolve_dataset(cfg):
    """Bind the dataset keys into the loaders and the model's class counts (in place).

    * A loader's ``dataset`` dict names its ``split`` (default: ``train_split`` for
      ``train_dataloader``, ``val_split`` for the others) and may set ``seg_map_path``
      in ``data_prefix`` (default ``'gt'``; ``None`` for image-level loaders; a label
      directory for IR/pseudo labels); keys it sets itself win over the dataset's.
    * ``test_dataloader``/``test_evaluator``/``test_cfg`` follow the val ones unless set.
    * Class counts left at ``None`` (see ``CLASS_COUNT_KEYS``) are filled in; a number that
      disagrees with the dataset is an error naming both.
    * A transform's ``crop_size``/``scale``/``scales`` left at ``None`` take the config's
      ``crop_size``/``test_scale``/``train_scales`` (``LATE_TRANSFORM_ARGS``).
    * A loader dataset with ``annotations='instances'`` is MMDetection's ``CocoDataset`` of
      the split's ``instances`` json (``instances_dataset_cfg``); a ``CocoMetric`` without
      ``ann_file`` follows its loader's json; an ``InstanceSegMetric`` without ``data_root``
      reads its loader split's ``SegmentationObject`` and class maps.
    """
    if 'splits' not in cfg:
        return cfg
    if 'val_dataloader' in cfg and 'test_dataloader' not in cfg:
        cfg['test_dataloader'] = copy.deepcopy(cfg.val_dataloader)
        cfg.setdefault('test_evaluator', copy.deepcopy(cfg.get('val_evaluator')))
        if cfg.get('val_cfg') is not None:
            cfg.setdefault('test_cfg', dict(type='TestLoop'))
    for loader, role in LOADERS.items():
        if isinstance(cfg.get(loader), dict) and isinstance(cfg[loader].get('dataset'), dict):
            split = cfg[loader]['dataset'].get('split', role)
            cfg[loader]['dataset'] = _bind_loader_dataset(cfg, cfg[loader]['dataset'], role)
            _bind_evaluators(cfg, loader.replace('dataloader', 'evaluator'),
                             cfg[loader]['dataset'], split)
    _bind_class_counts(cfg)
    return cfg


def instances_dataset_cfg(cfg, split, pipeline=None, **extra):
    """MMDetection's ``CocoDataset`` of a split's ``instances`` json (COCO format, boxes and
    masks; ``tools/dataset_converters/voc_to_coco.py`` writes it for VOC layouts), over the
    dataset's foreground classes."""
    name = split_name(cfg, split)
    spec = cfg.splits[name]
    if not spec.get('instances'):
        raise DatasetConfigError(f'{_name(cfg)}: split {name!r} has no `instances` json (COCO '
                                 'format; tools/dataset_converters/voc_to_coco.py)')
    ds = dict(type='CocoDataset', data_root=cfg.data_root, ann_file=spec['instances'],
              data_prefix=dict(img=spec.get('img_path', 'JPEGImages').rstrip('/') + '/'),
              metainfo=dict(classes=dataset_classes(cfg)[1:]),
              pipeline=[_bind_transform(cfg, t) for t in (pipeline or [])])
    ds.update(extra)
    return ds


def _bind_loader_dataset(cfg, ds, role):
    ds = dict(ds)
    if 'dataset' in ds and isinstance(ds['dataset'], dict):  # dataset wrappers
        ds['dataset'] = _bind_loader_dataset(cfg, ds['dataset'], role)
        for key in ('ood_list', 'ood_root'):  # WithOoDDataset: the dataset's OoD images
            if key in ds and ds[key] is None:
                if cfg.get(key) is None:
                    raise DatasetConfigError(f'{_name(cfg)}: {ds.get("type")} needs `{key}` and '
                                             'the dataset config sets none')
                ds[key] = osp.join(cfg.data_root, cfg[key])
        return ds
    if ds.pop('annotations', None) == 'instances':  # detection / instance segmentation
        return instances_dataset_cfg(cfg, ds.pop('split', role), **ds)
    prefix = dict(ds.pop('data_prefix', None) or {})
    seg_map_path = prefix.pop('seg_map_path', 'gt')
    pipeline = ds.pop('pipeline', None)
    if pipeline is not None:
        pipeline = [_bind_transform(cfg, t) for t in pipeline]
    bound = split_dataset_cfg(cfg, ds.pop('split', role), seg_map_path=seg_map_path,
                              pipeline=pipeline)
    bound['data_prefix'].update(prefix)
    bound.update(ds)
    return bound


def _bind_evaluators(cfg, key, ds, split):
    """Evaluators (one or a list) that score against their loader's split: a ``CocoMetric``
    without ``ann_file`` against its instances json, an ``InstanceSegMetric`` without
    ``data_root`` against the split's ``SegmentationObject`` / class maps."""
    evaluators = cfg.get(key)
    for evaluator in evaluators if isinstance(evaluators, list) else [evaluators]:
        if not isinstance(evaluator, dict):
            continue
        if (evaluator.get('type') == 'CocoMetric' and evaluator.get('ann_file') is None
                and str(ds.get('ann_file', '')).endswith('.json')):
            evaluator['ann_file'] = osp.join(ds['data_root'], ds['ann_file'])
        if evaluator.get('type') == 'InstanceSegMetric' and evaluator.get('data_root') is None:
            spec = cfg.splits[split_name(cfg, split)]
            evaluator['data_root'] = cfg.data_root
            evaluator.setdefault('class_dir', spec.get('gt_seg_map_path') or 'SegmentationClass')


#: Transform arguments that, left at ``None``, take a config-level value: one task base serves
#: every scale (``tasks/seg_toy.py`` = ``seg_321.py`` with ``crop_size = (128, 128)``).
LATE_TRANSFORM_ARGS = dict(crop_size='crop_size', scale='test_scale', scales='train_scales')


def _bind_transform(cfg, transform):
    if not isinstance(transform, dict):
        return transform
    bound = dict(transform)
    for arg, key in LATE_TRANSFORM_ARGS.items():
        if arg in bound and bound[arg] is None:
            if cfg.get(key) is None:
                raise DatasetConfigError(f'{_name(cfg)}: {bound.get("type")} takes its {arg} '
                                         f'from the config, which sets no `{key}`')
            value = cfg[key]
            bound[arg] = [tuple(v) for v in value] if arg == 'scales' else tuple(value)
    return bound


def _bind_class_counts(cfg):
    model = cfg.get('model')
    if not isinstance(model, dict):
        return
    classes = dataset_classes(cfg)
    counts = {'foreground': len(classes) - 1, 'with background': len(classes)}
    for path, kind in CLASS_COUNT_KEYS.items():
        parent = model
        for key in path[:-1]:
            parent = parent.get(key) if isinstance(parent, dict) else None
        if not isinstance(parent, dict) or path[-1] not in parent:
            continue
        value = parent[path[-1]]
        if value is None:
            parent[path[-1]] = counts[kind]
        elif value != counts[kind]:
            raise DatasetConfigError(
                f'{_name(cfg)}: model.{".".join(path)}={value} ({kind} classes) but the '
                f'dataset {cfg.get("dataset_config") or cfg.dataset_type} has {counts[kind]} '
                f'({", ".join(classes[1:])} + background); leave it at None to follow the '
                'dataset')


def _name(cfg):
    return getattr(cfg, 'filename', None) or 'config'
