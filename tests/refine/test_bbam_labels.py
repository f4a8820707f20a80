"""BBAM maps → pseudo labels (wsss_plugins/refine/bbam_labels.py): the top-fraction rule,
the CRF acceptance and box-fill fallbacks, and the semantic overlap / nesting / ignore rules
on hand-built cases."""
import numpy as np
import pytest

from wsss_plugins.refine.bbam_labels import (instance_mask, nested, normalize_map,
                                             semantic_label, top_fraction)


def test_top_fraction_saturates_the_top_of_the_box_area():
    mask = np.zeros((20, 20))
    mask[5:15, 5:15] = np.arange(1, 101).reshape(10, 10)  # a 100-pixel box
    out = top_fraction(mask, area=100, th_fg=0.85)
    # rank ⌊100·0.15⌋ = 15 of the descending values is 85: values > 85 saturate
    assert (out == 1).sum() == 15 and out.max() == 1
    assert out[mask == 85] == pytest.approx(1, abs=1e-9) and out[mask == 40] == \
        pytest.approx(40 / 85)
    assert (top_fraction(mask, 100, 0.2) == 1).sum() == 80  # th 0.2: the top 80%


def test_normalize_divides_by_the_max_as_the_reference():
    np.testing.assert_allclose(normalize_map(np.array([2., 4.])), [0., 0.5])
    assert not normalize_map(np.zeros(3)).any()


def object_image():
    """A bright rectangle (the object) on a dark background, 60x80."""
    img = np.full((60, 80, 3), 30, np.uint8)
    img[15:45, 20:60] = 220
    return img


def test_a_map_on_the_object_gives_the_object_inside_the_box():
    img, box = object_image(), (10, 10, 70, 50)
    bbam = np.zeros((6, 8), np.float32)
    bbam[2:4, 3:5] = 1  # the object's centre, at low resolution
    mask = instance_mask(img, bbam, box, th_fg=0.85)
    assert mask.dtype == np.uint8 and set(np.unique(mask)) <= {0, 1}
    assert mask[:10].sum() == mask[50:].sum() == mask[:, :10].sum() == 0  # inside the box
    obj = np.zeros(mask.shape, bool)
    obj[15:45, 20:60] = True
    assert (mask.astype(bool) & obj).sum() / obj.sum() > 0.8
    assert (mask.astype(bool) & ~obj).sum() < 0.1 * obj.sum()


def test_no_map_and_all_zero_maps_fall_back_to_a_box_filled_crf():
    img, box = object_image(), (10, 10, 70, 50)
    a = instance_mask(img, None, box, th_fg=0.85)
    b = instance_mask(img, np.zeros((6, 8)), box, th_fg=0.85)
    np.testing.assert_array_equal(a, b)
    assert a.sum() > (60 * 40) / 5 and a[:10].sum() == 0


class IdentityCRF:
    """A CRF stand-in that returns its input: the rule's own arithmetic, exactly."""

    def __init__(self):
        self.calls = []

    def __call__(self, img, probs):
        self.calls.append(probs[0].copy())
        return probs


def box_rect(shape, box):
    m = np.zeros(shape, np.uint8)
    m[box[1]:box[3], box[0]:box[2]] = 1
    return m


def test_fallback_init_probabilities_in_order():
    img, box = np.zeros((100, 100, 3), np.uint8), (38, 38, 62, 62)  # 576 px < image / 10
    crf = IdentityCRF()
    mask = instance_mask(img, None, box, th_fg=0.85, crf=crf)
    # box filled with 0.7, 0.8, 0.9: nothing > 0.9; 0.95: the whole box (> box / 5)
    assert [c[50, 50] for c in crf.calls] == [0.7, 0.8, 0.9, 0.95]
    np.testing.assert_array_equal(mask, box_rect((100, 100), box))


def test_a_small_result_in_a_small_box_is_regrown_from_the_box():
    """A map peaking at one corner pixel of a small box: the first pass keeps the pixels
    above 0.9 of the blurred map (< box / 5, and the box is < 1/10 of the image), so the
    box is filled with 0.7, 0.8, 0.9, 0.95 over the kept pixels until > box / 3."""
    img, box = np.zeros((400, 400, 3), np.uint8), (38, 38, 62, 62)  # blur k = 16 + 2
    bbam = np.zeros((400, 400), np.float32)
    bbam[38, 38] = 1
    crf = IdentityCRF()
    mask = instance_mask(img, bbam, box, th_fg=0.85, crf=crf)
    first = (crf.calls[0] > 0.9).sum()
    assert 0 < first <= 576 / 5 and len(crf.calls) == 5
    assert [c[61, 61] for c in crf.calls[1:]] == [0.7, 0.8, 0.9, 0.95]
    np.testing.assert_array_equal(mask, box_rect((400, 400), box))
    # a large box (> 1/10 of the image) accepts the first result, however small
    big = (10, 10, 150, 150)
    crf = IdentityCRF()
    bbam = np.zeros((400, 400), np.float32)
    bbam[10, 10] = 1
    instance_mask(img, bbam, big, th_fg=0.85, crf=crf)
    assert len(crf.calls) == 1


def test_semantic_rules_on_a_hand_built_case():
    shape = (10, 10)
    def rect(y1, y2, x1, x2):
        m = np.zeros(shape, np.uint8)
        m[y1:y2, x1:x2] = 1
        return m
    # A (class 1): big box; B (class 2): overlaps A, not nested; C (class 3): nested in A
    boxes = [(0, 0, 8, 8), (6, 6, 10, 10), (2, 2, 5, 5)]
    masks = [rect(0, 8, 0, 8), rect(6, 10, 6, 10), rect(2, 5, 2, 5)]
    ignores = [rect(0, 9, 0, 9), masks[1], masks[2]]  # A's 0.2 mask one pixel wider
    label = semantic_label([1, 2, 3], boxes, masks, ignores)
    assert label[0, 0] == 1
    assert label[7, 7] == 255  # A and B: two classes
    assert label[9, 9] == 2
    assert (label[2:5, 2:5] == 3).all()  # nested in A: C's own class over the overlap
    assert label[8, 3] == 255 and label[3, 8] == 255  # A's ring between 0.2 and 0.85
    assert label[9, 0] == 0
    # overlapping instances of one class are not a conflict
    same = semantic_label([1, 1], boxes[:2], masks[:2], masks[:2])
    assert same[7, 7] == 1


def test_nested_needs_another_box():
    assert nested((2, 2, 5, 5), [(0, 0, 8, 8), (2, 2, 5, 5)])
    assert not nested((2, 2, 5, 5), [(2, 2, 5, 5), (2, 2, 5, 5)])  # identical boxes
    assert not nested((0, 0, 8, 8), [(0, 0, 8, 8), (2, 2, 5, 5)])
