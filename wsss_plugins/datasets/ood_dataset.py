"""Out-of-distribution images for W-OoD (wave2.md §2.1): images that hold none of the target
classes, listed one relative path per line (the reference's OpenImages ``ood_list.txt``,
accepted as is), joined to ``data_prefix.img_path``. Every sample's image-level label is the
all-zero vector (the reference builds it in the training loop); grayscale images become
three channels when loaded (``LoadCheckedImage``, colour mode), as the reference's loader
stacks them."""
import os.path as osp

import numpy as np
from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

from .wsss_dataset import DataError


def read_ood_list(path):
    """The relative image paths of an OoD list (blank lines skipped, line ends stripped)."""
    if not osp.isfile(path):
        raise DataError(f'OoD image list not found: {path}')
    with open(path) as f:
        paths = [line.split('\n')[0].strip() for line in f]
    paths = [p for p in paths if p]
    if not paths:
        raise DataError(f'OoD image list is empty: {path}')
    return paths


@DATASETS.register_module()
class OoDImageDataset(BaseSegDataset):
    """Images of ``ann_file`` (an OoD list) under ``data_prefix.img_path``, labels all zero
    over the ``metainfo`` classes' foreground (``classes`` include the background, as every
    dataset config's ``class_names``)."""

    def __init__(self, ann_file, data_root='', data_prefix=None, **kwargs):
        data_prefix = {'img_path': '', **(data_prefix or {})}
        super().__init__(ann_file=ann_file, data_root=data_root, data_prefix=data_prefix,
                         **kwargs)

    def load_data_list(self):
        paths = read_ood_list(self.ann_file)
        root = self.data_prefix['img_path']
        missing = [p for p in paths if not osp.isfile(osp.join(root, p))]
        if missing:
            raise DataError(f'{len(missing)} of the {len(paths)} OoD image(s) of {self.ann_file} '
                            f'missing under {root}, e.g. {osp.join(root, missing[0])}')
        num_fg = len(self.metainfo['classes']) - 1
        return [dict(img_path=osp.join(root, p), img_labels=np.zeros(num_fg, np.float32),
                     label_map=self.label_map, reduce_zero_label=self.reduce_zero_label,
                     seg_fields=[]) for p in paths]
