from .class_names import COCO14_CLASSES, TOY_CLASSES, VOC_CLASSES
from .transforms import (LoadCheckedAnnotations, LoadCheckedImage, PackWSSSInputs,
                         RandomRescale)
from .wsss_dataset import (COCO14Dataset, DataError, ToyVOCDataset, VOC12Dataset,
                           WSSSDataset, read_split)

__all__ = ['COCO14Dataset', 'DataError', 'ToyVOCDataset', 'VOC12Dataset', 'WSSSDataset',
           'read_split', 'LoadCheckedAnnotations', 'LoadCheckedImage', 'PackWSSSInputs',
           'RandomRescale', 'VOC_CLASSES', 'COCO14_CLASSES', 'TOY_CLASSES']
from . import bbam_instances  # noqa: E402,F401 - MMDetection dataset and transform
from .ood_dataset import OoDImageDataset, WithOoDDataset, read_ood_list  # noqa: E402
from .builder import build_split_dataset  # noqa: E402
from .config import (DatasetConfigError, load_config, resolve_dataset,  # noqa: E402
                     split_dataset_cfg)

__all__ += ['OoDImageDataset', 'WithOoDDataset', 'read_ood_list', 'build_split_dataset', 'DatasetConfigError', 'load_config', 'resolve_dataset',
            'split_dataset_cfg']
