"""Segmentation datasets that also carry image-level labels (the WSSS unit of supervision).

One class serves the classifier stages (``seg_map_path=None``: image + multi-hot
label), the pseudo-label stages (seg maps from any directory: IR labels,
random-walk pseudo labels) and fully supervised evaluation (GT PNGs).  The
image-level labels always come from ground truth (``img_labels_from``: a
directory of GT label PNGs or VOC ``Annotations`` XML), are computed once and
cached beside the data.

Bad input fails early with the file and the problem named: a missing list file
or image, an empty split, a label PNG with values outside the class range, an
XML object with an unknown class name.  Per-sample problems (a corrupt image,
an image/label size mismatch) are caught by the ``LoadChecked*`` transforms.
"""
import hashlib
import json
import os
import os.path as osp
import xml.etree.ElementTree as ET

import numpy as np
from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS
from PIL import Image

from ..utils.io import atomic_write, progress
from .class_names import COCO14_CLASSES, TOY_CLASSES, VOC_CLASSES, voc_palette


class DataError(ValueError):
    """Bad dataset input; the message names the file and the problem."""


def decode_list_entry(line):
    """IRN list files hold VOC ids as integers (``2007000032``); ours hold names."""
    line = line.strip().split()[0]
    if line.isdigit() and len(line) == 10:
        return f'{line[:4]}_{line[4:]}'
    return line


def read_split(path):
    if not osp.isfile(path):
        raise DataError(f'split list not found: {path}')
    with open(path) as f:
        names = [decode_list_entry(line) for line in f if line.strip()]
    if not names:
        raise DataError(f'split list is empty: {path}')
    return names


def check_label_values(label, num_classes, path):
    values = np.unique(label)
    bad = values[(values >= num_classes) & (values != 255)]
    if bad.size:
        raise DataError(f'{path}: label values {bad.tolist()} outside 0..{num_classes - 1} '
                        '(255 = ignore)')


def read_voc_xml(path, class_names):
    """Objects of a VOC annotation XML: ``(size (w, h), [dict(name, class_index,
    bbox (1-based inclusive xmin, ymin, xmax, ymax), difficult)])``; an unknown class
    name is an error naming the file."""
    if not osp.isfile(path):
        raise DataError(f'annotation XML not found: {path}')
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        raise DataError(f'{path}: unreadable XML ({e})') from e
    class_names = list(class_names)
    objects = []
    for obj in root.iter('object'):
        name = obj.findtext('name', '').strip()
        if name not in class_names:
            raise DataError(f'{path}: unknown class name {name!r} '
                            f'(known: {", ".join(c for c in class_names if c != "background")})')
        box = obj.find('bndbox')
        bbox = tuple(float(box.findtext(k)) for k in ('xmin', 'ymin', 'xmax', 'ymax')) \
            if box is not None else None
        objects.append(dict(name=name, class_index=class_names.index(name), bbox=bbox,
                            difficult=obj.findtext('difficult', '0').strip() == '1'))
    size = root.find('size')
    wh = (int(size.findtext('width')), int(size.findtext('height'))) if size is not None else None
    return wh, objects


@DATASETS.register_module()
class WSSSDataset(BaseSegDataset):
    """``BaseSegDataset`` + ``img_labels`` (float32 multi-hot over the foreground classes).

    Registered for datasets in the VOC layout with their own classes (``metainfo=dict(
    classes=...)``, which a dataset config's ``class_names`` sets).

    Args:
        img_labels_from: ``'Annotations'`` (default) for VOC XML files, as the IRN family
            reads them (``cls_labels.npy`` comes from the XML objects, difficult ones
            included); a directory (relative to ``data_root``) of ground-truth label PNGs
            (e.g. ``'SegmentationClassAug'``); or a ``.json`` file ``{name: [class
            indices]}`` written by the dataset converters (COCO).
        data_prefix: ``img_path`` and ``seg_map_path``; ``seg_map_path=None`` gives
            an image-level dataset (no seg map is loaded).
    """

    def __init__(self, ann_file, data_root='', data_prefix=None, img_labels_from='Annotations',
                 img_suffix='.jpg', seg_map_suffix='.png', **kwargs):
        self.img_labels_from = img_labels_from
        # mmengine joins every prefix with data_root and accepts strings only.
        data_prefix = {k: v for k, v in {'img_path': 'JPEGImages', **(data_prefix or {})}.items()
                       if v is not None}
        super().__init__(ann_file=ann_file, data_root=data_root, data_prefix=data_prefix,
                         img_suffix=img_suffix, seg_map_suffix=seg_map_suffix, **kwargs)

    @property
    def num_classes(self):
        return len(self.metainfo['classes'])

    def load_data_list(self):
        names = read_split(self.ann_file)
        img_dir = self.data_prefix['img_path']
        seg_dir = self.data_prefix.get('seg_map_path')
        missing = [n for n in names if not osp.isfile(osp.join(img_dir, n + self.img_suffix))]
        if missing:
            raise DataError(f'{len(missing)} image(s) of {self.ann_file} missing in {img_dir}, '
                            f'e.g. {osp.join(img_dir, missing[0] + self.img_suffix)}')
        if seg_dir is not None:
            if not osp.isdir(seg_dir):
                raise DataError(f'label directory not found: {seg_dir}')
            missing = [n for n in names
                       if not osp.isfile(osp.join(seg_dir, n + self.seg_map_suffix))]
            if missing:
                raise DataError(
                    f'{len(missing)} label map(s) of {self.ann_file} missing in {seg_dir}, e.g. '
                    f'{osp.join(seg_dir, missing[0] + self.seg_map_suffix)} (is this directory '
                    'from another dataset or split?)')
        img_labels = self._image_level_labels(names)
        data_list = []
        for name in names:
            info = dict(img_path=osp.join(img_dir, name + self.img_suffix),
                        img_labels=img_labels[name], label_map=self.label_map,
                        reduce_zero_label=self.reduce_zero_label, seg_fields=[])
            if seg_dir is not None:
                info['seg_map_path'] = osp.join(seg_dir, name + self.seg_map_suffix)
            data_list.append(info)
        return data_list

    # Image-level labels ------------------------------------------------------------------
    def _image_level_labels(self, names):
        """name → float32[C-1] multi-hot, from GT PNGs or XML, cached per source directory."""
        source = self.img_labels_from
        if source is None:
            raise DataError(f'{type(self).__name__}: img_labels_from is not set (a directory '
                            "of ground-truth label PNGs, or 'Annotations')")
        source_dir = source if osp.isabs(source) else osp.join(self.data_root, source)
        if source_dir.endswith('.json'):
            return self._labels_from_json(source_dir, names)
        if not osp.isdir(source_dir):
            raise DataError(f'image-level label source not found: {source_dir}')
        cache_path = self._cache_path(source_dir)
        cache = {}
        if osp.isfile(cache_path):
            with open(cache_path) as f:
                cache = json.load(f)
        todo = [n for n in names if n not in cache]
        if todo:
            is_xml = osp.basename(osp.normpath(source_dir)) == 'Annotations'
            read = self._classes_from_xml if is_xml else self._classes_from_png
            for name in progress(todo, desc=f'image-level labels from {source}',
                                 disable=len(todo) < 500):
                cache[name] = read(source_dir, name)
            try:
                with atomic_write(cache_path, 'w') as f:
                    json.dump(cache, f)
            except OSError:
                pass  # read-only data: recompute next time
        labels = {}
        for name in names:
            multi_hot = np.zeros(self.num_classes - 1, np.float32)
            multi_hot[np.asarray(cache[name], dtype=np.int64) - 1] = 1
            labels[name] = multi_hot
        return labels

    def _labels_from_json(self, path, names):
        """``{name: [class indices 1..C-1]}`` as written by the dataset converters."""
        if not osp.isfile(path):
            raise DataError(f'image-level label file not found: {path}')
        with open(path) as f:
            table = json.load(f)
        missing = [n for n in names if n not in table]
        if missing:
            raise DataError(f'{path}: no image-level labels for {len(missing)} image(s) of '
                            f'{self.ann_file}, e.g. {missing[0]}')
        labels = {}
        for name in names:
            classes = np.asarray(table[name], dtype=np.int64)
            if classes.size and (classes.min() < 1 or classes.max() >= self.num_classes):
                raise DataError(f'{path}: {name} has class indices {classes.tolist()} outside '
                                f'1..{self.num_classes - 1}')
            labels[name] = np.zeros(self.num_classes - 1, np.float32)
            labels[name][classes - 1] = 1
        return labels

    def _cache_path(self, source_dir):
        key = hashlib.sha1(('|'.join(self.metainfo['classes']) + osp.abspath(source_dir))
                           .encode()).hexdigest()[:10]
        base = osp.dirname(osp.normpath(source_dir))
        if not os.access(base, os.W_OK):
            base = osp.join(osp.expanduser('~'), '.cache', 'wsss_plugins')
        return osp.join(base, f'.img_labels_{osp.basename(osp.normpath(source_dir))}_{key}.json')

    def _classes_from_png(self, source_dir, name):
        path = osp.join(source_dir, name + self.seg_map_suffix)
        if not osp.isfile(path):
            raise DataError(f'ground-truth label PNG not found: {path}')
        label = np.asarray(Image.open(path))
        check_label_values(label, self.num_classes, path)
        values = np.unique(label)
        return [int(v) for v in values if 0 < v < self.num_classes]

    def _classes_from_xml(self, source_dir, name):
        _, objects = read_voc_xml(osp.join(source_dir, name + '.xml'), self.metainfo['classes'])
        return sorted({obj['class_index'] for obj in objects if obj['class_index'] > 0})


@DATASETS.register_module()
class VOC12Dataset(WSSSDataset):
    """PASCAL VOC 2012 (+SBD aug): 21 classes, 255 = ignore.

    Splits ``ImageSets/Segmentation/{train_aug,train,val}.txt``; seg maps from
    ``SegmentationClassAug`` (train_aug), ``SegmentationClass`` (val) or any
    pseudo-label directory.
    """
    METAINFO = dict(classes=VOC_CLASSES, palette=voc_palette(len(VOC_CLASSES)))

    def __init__(self, ann_file='ImageSets/Segmentation/train_aug.txt', **kwargs):
        super().__init__(ann_file=ann_file, **kwargs)


@DATASETS.register_module()
class COCO14Dataset(WSSSDataset):
    """COCO 2014 as 81-class semantic segmentation (``tools/dataset_converters/coco14.py``)."""
    METAINFO = dict(classes=COCO14_CLASSES, palette=voc_palette(len(COCO14_CLASSES)))

    def __init__(self, ann_file='ImageSets/train2014.txt',
                 img_labels_from='cls_labels_train2014.json', **kwargs):
        super().__init__(ann_file=ann_file, img_labels_from=img_labels_from, **kwargs)


@DATASETS.register_module()
class ToyVOCDataset(WSSSDataset):
    """The synthetic toy set (``tools/make_toy_dataset.py``), VOC layout, 5 classes."""
    METAINFO = dict(classes=TOY_CLASSES, palette=voc_palette(len(TOY_CLASSES)))

    def __init__(self, ann_file='ImageSets/Segmentation/train_aug.txt', data_root='data/toy_voc',
                 **kwargs):
        super().__init__(ann_file=ann_file, data_root=data_root, **kwargs)
