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


@DATASETS.register_module()
class WithOoDDataset:
    """W-OoD's training data: each in-distribution sample of ``dataset`` with one OoD image
    (``ood``), augmented by the same pipeline, so one loader yields the 16 + 16 images of a
    step through MMEngine (the reference draws from a second, cycling OoD loader).

    Sample i pairs with OoD image ``perm[i mod N]`` of a fixed seeded permutation: each OoD
    image is used about len(dataset) / N times per epoch, as the reference's cycling loader
    uses it, and the sampler's shuffle changes which pairs share a batch; the pairs
    themselves are fixed, and with more OoD images than samples (N > len(dataset); VOC:
    10,582 samples, a few thousand OoD images) only len(dataset) of them are used (a
    warning says so).

    Args:
        dataset: the in-distribution dataset (config or object; the dataset binding fills it).
        ood_list: the OoD list file (one relative image path per line; OpenImages'
            ``ood_list.txt`` as is).
        ood_root: the directory the list's paths are relative to.
    """

    def __init__(self, dataset, ood_list, ood_root='', seed=0):
        self.dataset = DATASETS.build(dataset) if isinstance(dataset, dict) else dataset
        self.metainfo = self.dataset.metainfo
        self.ood = OoDImageDataset(ood_list, data_prefix=dict(img_path=ood_root),
                                   metainfo=dict(classes=self.metainfo['classes']), pipeline=[])
        self.perm = np.random.default_rng(seed).permutation(len(self.ood))
        if len(self.ood) > len(self.dataset):
            from mmengine.logging import print_log
            print_log(f'WithOoDDataset: {len(self.ood)} OoD images for {len(self.dataset)} '
                      f'samples: only {len(self.dataset)} of them are paired', level=30)

    def __len__(self):
        return len(self.dataset)

    def __getitem__(self, index):
        item = self.dataset[index]
        info = self.ood.get_data_info(int(self.perm[index % len(self.perm)]))
        item['ood'] = self.dataset.pipeline(info)
        return item
