"""The splits of a dataset config as Detectron2 datasets (``DatasetCatalog`` /
``MetadataCatalog``), and the mapper that carries BBAM's ignore regions.

``register_split_instances`` registers a COCO-format instances json (a split's own, or the
pseudo instances of ``tools/make_bbam_labels.py`` with their th 0.2 ignore regions) the way
Detectron2's ``register_coco_instances`` does — a lazy loader in ``DatasetCatalog``,
``json_file`` / ``image_root`` / ``evaluator_type='coco'`` in ``MetadataCatalog`` — with one
difference: categories are matched **by name** to the dataset's foreground classes
(``thing_classes`` = the dataset's, contiguous ids 0..C-1 in its order). Detectron2's own
loader numbers each json's sorted category ids, so a json that lists a subset of the classes or
orders its ids otherwise would get other class ids than the detector it trains or tests; by
name every json of a dataset shares the dataset's ids.

``IgnoreRegionDatasetMapper`` is Detectron2's ``DatasetMapper`` whose instances also hold
``gt_ignore_masks``: each mask and its region travel as bit 0 / bit 1 of one uint8 map
through the same transforms (nearest-neighbour), then split, as the MMDetection path packs
them (``LoadAnnotationsWithIgnore``). An instance without a region has its mask as region.
"""
import json
import os.path as osp

import numpy as np


def instance_dicts(json_file, image_root, classes, ignore_json=None):
    """Detectron2 dataset dicts of ``json_file`` (``classes``: the foreground names; crowd
    annotations kept with ``iscrowd``, as Detectron2's loader); with ``ignore_json`` each
    annotation gets ``ignore_segmentation`` (``utils.coco.IgnoreRegionMatcher``)."""
    from detectron2.structures import BoxMode

    from ..utils.coco import IgnoreRegionMatcher
    if not osp.isfile(json_file):
        raise FileNotFoundError(f'no instances json {json_file}')
    with open(json_file) as f:
        coco = json.load(f)
    contiguous = category_index(coco['categories'], classes, json_file)
    matcher = IgnoreRegionMatcher(ignore_json) if ignore_json else None
    by_image = {}
    for ann in coco['annotations']:
        by_image.setdefault(ann['image_id'], []).append(ann)
    records = []
    for img in coco['images']:
        anns = by_image.get(img['id'], [])
        regions = (matcher.regions(img['file_name'], anns, json_file) if matcher
                   else [None] * len(anns))
        objs = []
        for ann, region in zip(anns, regions):
            obj = dict(bbox=list(ann['bbox']), bbox_mode=BoxMode.XYWH_ABS,
                       category_id=contiguous[ann['category_id']],
                       iscrowd=ann.get('iscrowd', 0))
            if ann.get('segmentation'):
                obj['segmentation'] = ann['segmentation']
            if region is not None:
                obj['ignore_segmentation'] = region
            objs.append(obj)
        records.append(dict(file_name=osp.join(image_root, img['file_name']),
                            height=img['height'], width=img['width'], image_id=img['id'],
                            annotations=objs))
    return records


def category_index(categories, classes, json_file):
    """``{json category id: index in classes}`` by name; a category that is not a class of
    the dataset is an error naming the json."""
    index = {}
    for cat in categories:
        if cat['name'] not in classes:
            raise ValueError(f'{json_file}: category {cat["name"]!r} is not a class of the '
                             f'dataset ({", ".join(classes)})')
        index[cat['id']] = classes.index(cat['name'])
    return index


def register_split_instances(name, json_file, image_root, classes, ignore_json=None,
                             every_class=False):
    """Register ``name`` (idempotent for the same files; another json under a used name is
    an error). ``every_class``: the json must list every class (a test split:
    ``COCOEvaluator`` scores a json's own categories as the whole class list)."""
    from detectron2.data import DatasetCatalog, MetadataCatalog
    files = dict(json_file=json_file, image_root=image_root, ignore_json=ignore_json or '')
    if name in DatasetCatalog.list():
        meta = MetadataCatalog.get(name)
        if dict(json_file=meta.json_file, image_root=meta.image_root,
                ignore_json=meta.get('ignore_json', '')) != files:
            raise ValueError(f'Detectron2 dataset {name!r} is registered with other files')
        return name
    classes = list(classes)
    DatasetCatalog.register(name, lambda: instance_dicts(json_file, image_root, classes,
                                                         ignore_json))
    with open(json_file) as f:
        cats = json.load(f)['categories']
    missing = set(classes) - {c['name'] for c in cats}
    if every_class and missing:
        raise ValueError(f'{json_file}: no category for {", ".join(sorted(missing))}; a test '
                         'split\'s json must list every class of the dataset')
    MetadataCatalog.get(name).set(
        thing_classes=classes, evaluator_type='coco', **files,
        thing_dataset_id_to_contiguous_id=category_index(cats, classes, json_file))
    return name


def ignore_region_mapper_class():
    """``IgnoreRegionDatasetMapper`` (built on first use: Detectron2 is imported then)."""
    import torch
    from detectron2.data import DatasetMapper
    from detectron2.data import detection_utils as utils
    from detectron2.structures import BitMasks

    from ..utils.coco import decode_segmentation

    class IgnoreRegionDatasetMapper(DatasetMapper):
        """``DatasetMapper`` (bitmask masks) with ``gt_ignore_masks`` (module docstring)."""

        def _transform_annotations(self, dataset_dict, transforms, image_shape):
            h, w = dataset_dict['height'], dataset_dict['width']
            annos, packed = [], []
            for obj in dataset_dict.pop('annotations'):
                if obj.get('iscrowd', 0):
                    continue
                obj = dict(obj)
                segm, region = obj.pop('segmentation', None), obj.pop('ignore_segmentation', None)
                if self.use_instance_mask and segm is not None:
                    mask = decode_segmentation(segm, h, w)
                    region = mask if region is None else decode_segmentation(region, h, w)
                    packed.append(transforms.apply_segmentation(mask | (region << 1)))
                annos.append(utils.transform_instance_annotations(obj, transforms, image_shape))
            instances = utils.annotations_to_instances(annos, image_shape)
            if packed and len(packed) != len(annos):
                raise ValueError(f'{dataset_dict["file_name"]}: some instances have no mask')
            if packed:
                packed = torch.from_numpy(np.stack(packed))
                instances.gt_masks = BitMasks(packed & 1)
                instances.gt_ignore_masks = BitMasks((packed >> 1) & 1)
            dataset_dict['instances'] = utils.filter_empty_instances(instances)

    return IgnoreRegionDatasetMapper
