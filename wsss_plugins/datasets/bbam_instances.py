"""Mask R-CNN training data of BBAM's pseudo instances: the th 0.85 json (the masks) with the
th 0.2 json loaded alongside (their ignore regions), as the reference's ``COCODataset`` reads
``ann_file`` and ``ann_file_ignore`` (wave2.md §1.7).

``BBAMInstanceDataset`` attaches to each instance the ignore-region segmentation of the
annotation with the same image, box and class in ``ignore_ann_file`` (the two jsons of
``tools/make_bbam_labels.py`` hold the same boxes); ``LoadAnnotationsWithIgnore`` packs both
into one uint8 ``BitmapMasks`` (bit 0 the mask, bit 1 the ignore region; nearest-neighbour
resizing and flips keep the bits) for ``SeedGrowingMaskHead``. Without ``ignore_ann_file``
(ground-truth or box masks) bit 1 stays empty and the head uses the mask itself.
"""
import os.path as osp

import numpy as np
from mmdet.datasets import CocoDataset
from mmdet.datasets.transforms import LoadAnnotations
from mmdet.registry import DATASETS, TRANSFORMS
from mmdet.structures.mask import BitmapMasks


@DATASETS.register_module()
class BBAMInstanceDataset(CocoDataset):

    def __init__(self, *args, ignore_ann_file=None, **kwargs):
        self.ignore_ann_file = ignore_ann_file
        super().__init__(*args, **kwargs)

    def load_data_list(self):
        from ..utils.coco import IgnoreRegionMatcher
        self._ignore = None
        if self.ignore_ann_file:
            path = self.ignore_ann_file if osp.isabs(self.ignore_ann_file) else osp.join(
                self.data_root, self.ignore_ann_file)
            self._ignore = IgnoreRegionMatcher(path)
        return super().load_data_list()

    def parse_data_info(self, raw_data_info):
        info = super().parse_data_info(raw_data_info)
        if self._ignore is None:
            return info
        anns = [dict(bbox=(x1, y1, x2 - x1, y2 - y1), category_id=self.cat_ids[i['bbox_label']])
                for i in info['instances'] for x1, y1, x2, y2 in [i['bbox']]]
        regions = self._ignore.regions(raw_data_info['raw_img_info']['file_name'], anns,
                                       self.ann_file)
        for instance, region in zip(info['instances'], regions):
            instance['ignore_mask'] = region
        return info


@TRANSFORMS.register_module()
class LoadAnnotationsWithIgnore(LoadAnnotations):
    """``LoadAnnotations`` whose masks carry each instance's ignore region in bit 1. Only
    ``SeedGrowingMaskHead`` reads the bits: transforms that treat masks as binary (cropping
    with recomputed boxes, mask-based filtering) would see bit-1 pixels as foreground."""

    def _load_masks(self, results):
        super()._load_masks(results)
        masks = results['gt_masks']
        if not isinstance(masks, BitmapMasks):
            raise TypeError('LoadAnnotationsWithIgnore needs bitmap masks (poly2mask=True)')
        h, w = results['ori_shape']
        packed = masks.masks.astype(np.uint8)
        for i, instance in enumerate(results.get('instances', [])):
            if 'ignore_mask' in instance:
                packed[i] |= self._poly2mask(instance['ignore_mask'], h, w).astype(np.uint8) << 1
        results['gt_masks'] = BitmapMasks(packed, h, w)
