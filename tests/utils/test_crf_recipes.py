"""The BBAM CRF recipes of utils/crf.py: the top-fraction saturation and the test-time CRF on
predicted masks."""
import numpy as np
import pytest

from wsss_plugins.utils.crf import prediction_crf_mask, top_fraction


def test_top_fraction_counts_the_box_area_not_the_image():
    mask = np.zeros((10, 10), np.float32)
    mask[0, :5] = [5, 4, 3, 2, 1]
    # rank ⌊10·(1 − 0.8)⌋ = ⌊1.999…⌋ = 1 in floating point, as the reference computes it:
    # the divisor is the second value, 4
    out = top_fraction(mask, area=10, th_fg=0.8)
    np.testing.assert_allclose(out[0, :5], [1, 1, 0.75, 0.5, 0.25], rtol=1e-6)
    out = top_fraction(mask, area=10, th_fg=0.7)  # rank 3: value 2
    np.testing.assert_allclose(out[0, :5], [1, 1, 1, 1, 0.5], rtol=1e-6)


@pytest.mark.parametrize('size', [(60, 80), (450, 600)])  # zoomed crop / whole image
def test_prediction_crf_snaps_a_blurry_mask_to_the_object(size):
    h, w = size
    img = np.full((h, w, 3), 30, np.uint8)
    y1, y2, x1, x2 = h // 3, 2 * h // 3, w // 3, 2 * w // 3
    img[y1:y2, x1:x2] = 220
    obj = np.zeros((h, w), bool)
    obj[y1:y2, x1:x2] = True
    yy, xx = np.mgrid[0:h, 0:w]
    cy, cx, r = (y1 + y2) / 2, (x1 + x2) / 2, (y2 - y1) / 2
    prob = np.exp(-(((yy - cy) / r) ** 2 + ((xx - cx) / r) ** 2) / 1.5).astype(np.float32)
    box = (x1 - 3, y1 - 3, x2 + 2, y2 + 2)
    area = (box[2] - box[0] + 1) * (box[3] - box[1] + 1)
    assert (area < 20000) == (h == 60)
    iou = lambda m: (m & obj).sum() / (m | obj).sum()  # noqa: E731
    refined = prediction_crf_mask(img, prob, box)
    assert iou(refined) > 0.9 and iou(refined) > iou(prob > 0.5) + 0.1
    assert not refined[:, :box[0]].any() and not refined[:box[1]].any()
