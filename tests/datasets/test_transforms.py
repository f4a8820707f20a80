"""Training resizes as the IRN family does them: Pillow bicubic images, Pillow nearest labels
(``imutils.pil_rescale``), not mmcv's OpenCV default."""
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from PIL import Image

from wsss_plugins.datasets.transforms import RandomRescale

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


@pytest.fixture
def sample():
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (35, 50, 3), dtype=np.uint8)
    label = rng.integers(0, 5, (35, 50), dtype=np.uint8)
    return img, label


def results_of(img, label):
    return dict(img=img.copy(), gt_seg_map=label.copy(), seg_fields=['gt_seg_map'],
                img_shape=img.shape[:2], ori_shape=img.shape[:2])


def pil(array, size, resample):
    return np.asarray(Image.fromarray(array).resize(size, resample))


def test_random_rescale_resizes_as_pillow_does(sample):
    img, label = sample
    out = RandomRescale(ratio_range=(0.6, 0.6))(results_of(img, label))
    size = (30, 21)  # IRN: round(50 * 0.6), round(35 * 0.6)
    np.testing.assert_array_equal(out['img'], pil(img, size, Image.BICUBIC))
    np.testing.assert_array_equal(out['gt_seg_map'], pil(label, size, Image.NEAREST))
    # OpenCV's nearest samples another pixel of each cell: the backend matters.
    assert not np.array_equal(out['gt_seg_map'],
                              cv2.resize(label, size, interpolation=cv2.INTER_NEAREST))


@pytest.mark.parametrize('task_base', ['cls_512.py', 'cls_toy.py'])
def test_classifier_resize_long_of_the_configs_is_pillow_bicubic(sample, task_base):
    from mmseg.registry import TRANSFORMS
    cfg = Config.fromfile(osp.join(REPO_ROOT, 'configs', '_base_', 'tasks', task_base))
    resize = next(t for t in cfg.train_dataloader.dataset.pipeline
                  if t['type'] == 'RandomResize')
    resize = TRANSFORMS.build(dict(resize, scale=(40, 40), ratio_range=(1.0, 1.0)))
    img, _ = sample
    out = resize(dict(img=img.copy(), img_shape=img.shape[:2], ori_shape=img.shape[:2]))
    np.testing.assert_array_equal(out['img'], pil(img, (40, 28), Image.BICUBIC))
