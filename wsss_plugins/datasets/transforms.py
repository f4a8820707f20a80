"""Pipeline transforms with the checks WSSS data needs (registered in mmseg TRANSFORMS)."""
import contextlib

import numpy as np
from mmcv.transforms import BaseTransform, LoadImageFromFile, Resize
from mmseg.datasets.transforms import LoadAnnotations, PackSegInputs
from mmseg.registry import TRANSFORMS

from .wsss_dataset import DataError, check_label_values


@contextlib.contextmanager
def file_errors_named(path, what):
    """Re-raise any loading error as a DataError that names the file (also from workers)."""
    try:
        yield
    except DataError:
        raise
    except FileNotFoundError as e:
        raise DataError(f'{path}: {what} file not found') from e
    except Exception as e:
        raise DataError(f'{path}: cannot decode {what} ({type(e).__name__}: {e})') from e


@TRANSFORMS.register_module()
class LoadCheckedImage(LoadImageFromFile):
    """``LoadImageFromFile`` (Pillow decoder, as the IRN family decodes with
    imageio/Pillow) whose error names the file when it is missing or corrupt."""

    def __init__(self, imdecode_backend='pillow', **kwargs):
        super().__init__(imdecode_backend=imdecode_backend, **kwargs)

    def transform(self, results):
        path = results['img_path']
        with file_errors_named(path, 'image'):
            out = super().transform(results)
        if out is None or out.get('img') is None:
            raise DataError(f'{path}: cannot decode image')
        return out


@TRANSFORMS.register_module()
class LoadCheckedAnnotations(LoadAnnotations):
    """mmseg ``LoadAnnotations`` + value-range and image-size checks naming the file."""

    def __init__(self, num_classes=None, **kwargs):
        kwargs.setdefault('imdecode_backend', 'pillow')
        super().__init__(**kwargs)
        self.num_classes = num_classes

    def transform(self, results):
        path = results['seg_map_path']
        with file_errors_named(path, 'label map'):
            results = super().transform(results)
        label = results['gt_seg_map']
        if 'img' in results and label.shape != results['img'].shape[:2]:
            raise DataError(f'{path}: label size {label.shape} != image size '
                            f'{results["img"].shape[:2]} ({results["img_path"]})')
        num_classes = self.num_classes or len(results.get('img_labels', [])) + 1
        if num_classes > 1:
            check_label_values(label, num_classes, path)
        return results


@TRANSFORMS.register_module()
class RandomRescale(BaseTransform):
    """Rescale by a factor drawn uniformly from ``ratio_range`` (IRN/AMN ``random_scale``).

    The IRN family resizes with Pillow (``imutils.pil_rescale``: bicubic for the image,
    nearest for label maps), hence ``backend='pillow'``; mmcv's default OpenCV backend
    has no antialiasing and samples nearest labels at the top-left of each cell.
    """

    def __init__(self, ratio_range=(0.5, 1.5), interpolation='bicubic', backend='pillow'):
        self.ratio_range = ratio_range
        self.interpolation = interpolation
        self.backend = backend

    def transform(self, results):
        ratio = float(np.random.uniform(*self.ratio_range))
        return Resize(scale_factor=ratio, keep_ratio=True, interpolation=self.interpolation,
                      backend=self.backend)(results)

    def __repr__(self):
        return (f'{type(self).__name__}(ratio_range={self.ratio_range}, '
                f'interpolation={self.interpolation!r}, backend={self.backend!r})')


@TRANSFORMS.register_module()
class PackWSSSInputs(PackSegInputs):
    """``PackSegInputs`` that also packs the image-level label (``img_labels``)."""

    def __init__(self, meta_keys=('img_path', 'seg_map_path', 'ori_shape', 'img_shape',
                                  'pad_shape', 'scale_factor', 'flip', 'flip_direction',
                                  'reduce_zero_label', 'img_labels')):
        super().__init__(meta_keys=meta_keys)
