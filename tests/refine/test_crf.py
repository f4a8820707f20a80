"""The CRF wrapper gives exactly what direct pydensecrf calls give (IRN's label unary and
deeplab-pytorch's softmax unary, written out here as the references do)."""
import numpy as np
import pytest

from wsss_plugins.utils.crf import DEEPLAB_SOFTMAX_CRF, IRN_LABEL_CRF, DenseCRF

dcrf = pytest.importorskip('pydensecrf.densecrf')
crf_utils = pytest.importorskip('pydensecrf.utils')


def _image(h=40, w=52, seed=0):
    rng = np.random.default_rng(seed)
    img = np.zeros((h, w, 3), np.uint8)
    img[:, : w // 2] = (200, 40, 40)
    img[h // 3:, w // 2:] = (30, 160, 60)
    return np.clip(img + rng.integers(-20, 20, img.shape), 0, 255).astype(np.uint8)


def test_label_unary_matches_irn_crf_inference_label():
    img = _image()
    h, w = img.shape[:2]
    labels = np.zeros((h, w), np.int64)
    labels[5:30, 3:30] = 1
    labels[20:, 30:] = 2
    # IRN misc/imutils.py::crf_inference_label(img, labels, t=10, n_labels=3, gt_prob=0.7)
    d = dcrf.DenseCRF2D(w, h, 3)
    d.setUnaryEnergy(crf_utils.unary_from_labels(labels, 3, gt_prob=0.7, zero_unsure=False))
    d.addPairwiseGaussian(sxy=3, compat=3)
    d.addPairwiseBilateral(sxy=50, srgb=5, rgbim=np.ascontiguousarray(np.copy(img)), compat=10)
    expected = np.argmax(np.array(d.inference(10)).reshape((3, h, w)), axis=0)

    ours = DenseCRF(**IRN_LABEL_CRF)(img, labels, n_labels=3)
    np.testing.assert_array_equal(ours, expected)
    # The CRF moved some labels (the test is not trivially the identity).
    assert (ours != labels).any()


def test_softmax_unary_matches_deeplab_pytorch_crf():
    img = _image(seed=1)
    h, w = img.shape[:2]
    rng = np.random.default_rng(1)
    logits = rng.normal(size=(4, h, w)).astype(np.float32)
    probs = np.exp(logits) / np.exp(logits).sum(0, keepdims=True)
    # deeplab-pytorch libs/utils/crf.py::DenseCRF(iter_max=10, pos_w=3, pos_xy_std=1,
    # bi_w=4, bi_xy_std=67, bi_rgb_std=3)
    d = dcrf.DenseCRF2D(w, h, 4)
    d.setUnaryEnergy(np.ascontiguousarray(crf_utils.unary_from_softmax(probs)))
    d.addPairwiseGaussian(sxy=1, compat=3)
    d.addPairwiseBilateral(sxy=67, srgb=3, rgbim=np.ascontiguousarray(img), compat=4)
    expected = np.array(d.inference(10)).reshape((4, h, w))

    ours = DenseCRF(**DEEPLAB_SOFTMAX_CRF)(img, probs)
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-7)
    np.testing.assert_allclose(ours.sum(0), 1, atol=1e-5)


def test_bad_shapes_are_named():
    img = _image()
    with pytest.raises(ValueError, match='does not match image'):
        DenseCRF(**IRN_LABEL_CRF)(img, np.zeros((3, 3), np.int64), n_labels=2)
    with pytest.raises(ValueError, match='do not match image'):
        DenseCRF(**DEEPLAB_SOFTMAX_CRF)(img, np.ones((2, 3, 3), np.float32) / 2)
