"""IR labels: IRN's combination rule, the thresholds, and equality with IRN's two CRF passes
written out with pydensecrf."""
import numpy as np
import pytest

from wsss_plugins.refine.ir_label import combine_confident, make_ir_label
from wsss_plugins.utils.protocols import PROTOCOLS
from wsss_plugins.utils.seed_io import threshold_argmax

IR_LABEL = {name: p['ir_label'] for name, p in PROTOCOLS.items()}


def test_combination_rule_by_hand():
    fg_pass = np.array([[0, 3, 3, 0, 1, 0]])
    bg_pass = np.array([[0, 3, 0, 1, 1, 2]])
    # fg label kept wherever the fg pass is fg (even if the bg pass says bg);
    # bg only where both passes say bg; uncertain where only the bg pass is fg.
    assert combine_confident(fg_pass, bg_pass).tolist() == [[0, 3, 3, 255, 1, 255]]
    assert combine_confident(fg_pass, bg_pass).dtype == np.uint8


def test_threshold_argmax_ties_go_to_background():
    maps = np.array([[[0.3, 0.5, 0.1]], [[0.2, 0.6, 0.3]]], np.float32)
    assert threshold_argmax(maps, np.float32(0.3)).tolist() == [[0, 2, 0]]


class _IdentityCRF:
    def __call__(self, img, labels, n_labels):
        return labels


def _seed(maps, keys, has_bg=False):
    return dict(keys=np.asarray(keys), high_res=np.asarray(maps, np.float32), has_bg=has_bg,
                cam=None)


def test_thresholds_and_keys_without_crf():
    # pixels: confident fg / weak (0.12) / confident bg / medium (0.4) — keys 2 and 6
    maps = [[[0.9, 0.12, 0.01, 0.0]], [[0.0, 0.1, 0.02, 0.4]]]
    img = np.zeros((1, 4, 3), np.uint8)

    def label(**params):
        return make_ir_label(img, _seed(maps, [2, 6]), crf=_IdentityCRF(), **params).tolist()

    assert label(**IR_LABEL['irn']) == [[3, 255, 0, 7]]      # 0.05 < 0.12 < 0.30
    assert label(**IR_LABEL['advcam']) == [[3, 0, 0, 7]]     # 0.12 < 0.15; 0.4 > 0.35
    assert label(**IR_LABEL['amn']) == [[3, 0, 0, 255]]      # 0.15 < 0.4 < 0.45
    # cam_power 2: 0.12 -> 0.0144 < 0.05 (bg), 0.4 -> 0.16 < 0.30 (uncertain)
    assert label(conf_fg=0.3, conf_bg=0.05, cam_power=2.0) == [[3, 0, 0, 255]]


def test_amn_background_channel_is_dropped():
    maps = np.array([[[0.9, 0.2, 0.01]], [[0.05, 0.7, 0.3]]], np.float32)
    img = np.zeros((1, 3, 3), np.uint8)
    with_bg = _seed(np.concatenate([np.ones_like(maps[:1]), maps]), [0, 4], has_bg=True)
    expected = make_ir_label(img, _seed(maps, [0, 4]), crf=_IdentityCRF(),
                             **IR_LABEL['amn'])
    np.testing.assert_array_equal(
        make_ir_label(img, with_bg, crf=_IdentityCRF(), **IR_LABEL['amn']), expected)


def test_matches_irn_cam_to_ir_label():
    dcrf = pytest.importorskip('pydensecrf.densecrf')
    from pydensecrf.utils import unary_from_labels
    rng = np.random.default_rng(0)
    h, w = 36, 44
    img = np.full((h, w, 3), 110.)
    img[8:30, 6:26] = (220, 30, 30)
    img[3:18, 30:42] = (30, 200, 60)
    img = np.clip(img + rng.normal(0, 8, img.shape), 0, 255).astype(np.uint8)
    yy, xx = np.mgrid[:h, :w]
    cams = np.stack([np.exp(-((yy - 18) ** 2 + (xx - 16) ** 2) / 60.),
                     np.exp(-((yy - 10) ** 2 + (xx - 36) ** 2) / 30.)]).astype(np.float32)
    keys = np.array([4, 11])

    def crf_inference_label(labels, n_labels):  # IRN misc/imutils.py
        d = dcrf.DenseCRF2D(w, h, n_labels)
        d.setUnaryEnergy(unary_from_labels(labels, n_labels, gt_prob=0.7, zero_unsure=False))
        d.addPairwiseGaussian(sxy=3, compat=3)
        d.addPairwiseBilateral(sxy=50, srgb=5, rgbim=np.ascontiguousarray(np.copy(img)),
                               compat=10)
        return np.argmax(np.array(d.inference(10)).reshape((n_labels, h, w)), axis=0)

    # IRN step/cam_to_ir_label.py::_work
    lut = np.pad(keys + 1, (1, 0), mode='constant')
    fg = lut[crf_inference_label(np.argmax(np.pad(cams, ((1, 0), (0, 0), (0, 0)),
                                                  constant_values=0.30), 0), 3)]
    bg = lut[crf_inference_label(np.argmax(np.pad(cams, ((1, 0), (0, 0), (0, 0)),
                                                  constant_values=0.05), 0), 3)]
    expected = fg.copy()
    expected[fg == 0] = 255
    expected[bg + fg == 0] = 0

    ours = make_ir_label(img, _seed(cams, keys), **IR_LABEL['irn'])
    np.testing.assert_array_equal(ours, expected)
    assert set(np.unique(ours)) == {0, 5, 12, 255}
