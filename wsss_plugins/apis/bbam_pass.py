"""The BBAM pass over a split through the one per-image runner (``apis/per_image.py``:
sharded over torchrun ranks, resumable, atomic, failures named).

Boxes come from the VOC-layout ``Annotations/<name>.xml`` of the dataset (every object,
difficult ones included, coordinates minus 1 as the reference's ``BBAM_data_loader``).
One ``<out>/<name>.npz`` per image: ``boxes [K, 4]`` (image pixels), ``labels [K]``
(foreground class indices 0..C-1), ``mask_<k>`` (box k's optimised mask, mask resolution),
``strides``, ``num_positives``, ``input_shape`` (the detector's input H, W).
"""
import os.path as osp

import numpy as np

from ..datasets.wsss_dataset import read_voc_xml
from ..utils.image import read_rgb
from ..utils.io import atomic_write
from .per_image import run_per_image, sample_name


def box_items(dataset):
    """Items ``name, img_path, boxes, labels`` of a WSSS dataset (VOC layout)."""
    classes = dataset.metainfo['classes']
    xml_dir = osp.join(dataset.data_root, 'Annotations')
    items = []
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        name = sample_name(info)
        _, objects = read_voc_xml(osp.join(xml_dir, name + '.xml'), classes)
        items.append(dict(name=name, img_path=info['img_path'],
                          boxes=np.array([[c - 1 for c in o['bbox']] for o in objects],
                                         np.float32).reshape(-1, 4),
                          labels=np.array([o['class_index'] - 1 for o in objects], np.int64)))
    return items


def bbam_path(out_dir, name):
    return osp.join(out_dir, name + '.npz')


def load_bbam(path):
    """dict(boxes, labels, masks (list), strides, num_positives, input_shape) of a file."""
    with np.load(path) as f:
        data = {k: f[k] for k in f.files}
    data['masks'] = [data.pop(f'mask_{k}') for k in range(len(data['labels']))]
    return data


def generate_bbam(bbam, items, out_dir, rank=0, world_size=1):
    """Write ``<out_dir>/<name>.npz`` for this rank's share of ``items``."""
    def write(item):
        result = bbam(read_rgb(item['img_path']), item['boxes'], item['labels'])
        arrays = {f'mask_{k}': m for k, m in enumerate(result['masks'])}
        with atomic_write(bbam_path(out_dir, item['name'])) as f:
            np.savez_compressed(f, boxes=item['boxes'], labels=item['labels'],
                                strides=np.array(result['strides'], np.float64),
                                num_positives=np.array(result['num_positives'], np.int64),
                                input_shape=np.array(result['img_shape'], np.int64),
                                **arrays)

    return run_per_image(items, lambda item: bbam_path(out_dir, item['name']), write, rank,
                         world_size, desc=f'BBAM -> {out_dir}')
