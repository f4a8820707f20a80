"""BBAM maps → pseudo instance masks and semantic labels (wave2.md §1.5-§1.6: the
reference's ``anno_utils.get_top_CRF`` / ``get_final_mask_with_topCRF`` and
``create_semantic_labels.get_aggregated_mask``).

Boxes are integer ``(x1, y1, x2, y2)`` in original-image pixels, used as the reference
slices them (``[y1:y2, x1:x2]``: the last row and column are outside).

Deviations (README "Fidelity"): the map is the optimised low-resolution mask itself, resized
once to the image (cv2 bilinear); the reference saves it as an 8-bit JPEG at half the network
input and resizes that. A box whose fallbacks all fail keeps the last box-filled CRF result;
the reference appends nothing, which misaligns the masks with the boxes of that image.
Ties in the area order are broken by box order (stable sort).
"""
import cv2
import numpy as np

from ..utils.crf import BBAM_INSTANCE_CRF, DenseCRF, top_fraction

#: Box-fill probabilities tried when the CRF result is too small (``get_top_CRF``) and
#: when there is no usable map (``get_final_mask_with_topCRF``).
SMALL_RESULT_INIT_PROBS = (0.7, 0.8, 0.9, 0.95, 0.96)
NO_MAP_INIT_PROBS = (0.7, 0.8, 0.9, 0.95)
FG_PROB = 0.9  # a pixel is foreground when the CRF's foreground probability exceeds it


def box_area(box):
    x1, y1, x2, y2 = box
    return (x2 - x1) * (y2 - y1)


def normalize_map(mask):
    """``(m − min) / max`` as the reference (the divisor is the max, not max − min)."""
    peak = mask.max()
    return mask if peak == 0 else (mask - mask.min()) / peak


def map_to_image(bbam_map, box, shape):
    """A box's BBAM map at image resolution ``shape`` (H, W), normalised and zero outside its
    box: the map the label rule thresholds (and the overlays show)."""
    h, w = shape
    x1, y1, x2, y2 = box
    roi = np.zeros((h, w), np.float32)
    roi[y1:y2, x1:x2] = 1
    return cv2.resize(normalize_map(np.asarray(bbam_map, np.float32)), (w, h)) * roi


def _crf_foreground(crf, img, prob):
    q = crf(img, np.stack([prob, 1 - prob]).astype(np.float32))
    return (q[0] > FG_PROB).astype(np.uint8)


def _box_fill(crf, img, box, fg, init_probs, min_area):
    """The box filled with ``init`` (foreground pixels kept at 1) through the CRF, for each
    ``init`` in turn; the first result larger than ``min_area``, else the last one."""
    x1, y1, x2, y2 = box
    for init in init_probs:
        start = fg.astype(np.float64)
        start[y1:y2, x1:x2] = init
        start[fg == 1] = 1
        result = _crf_foreground(crf, img, start)
        if result.sum() > min_area:
            break
    return result


def instance_mask(img, bbam_map, box, th_fg, crf=None):
    """The pseudo instance mask (uint8 ``[H, W]``) of one box.

    ``img`` RGB uint8 (the CRF's colour distance does not depend on the channel order),
    ``bbam_map`` the box's BBAM mask at any resolution or None (no map), ``th_fg`` 0.85 (the
    instance) or 0.2 (its ignore region)."""
    crf = crf or DenseCRF(**BBAM_INSTANCE_CRF)
    h, w = img.shape[:2]
    x1, y1, x2, y2 = box
    area = box_area(box)
    empty = np.zeros((h, w), np.uint8)
    if bbam_map is None or np.max(bbam_map) == 0:
        return _box_fill(crf, img, box, empty, NO_MAP_INIT_PROBS, area / 5)
    roi = np.zeros((h, w), np.float32)
    roi[y1:y2, x1:x2] = 1
    m = top_fraction(map_to_image(bbam_map, box, (h, w)), area, th_fg)
    k = int(16 + 48 * np.sqrt(area / (w * h)))
    m = cv2.GaussianBlur(m.astype(np.float64), (2 * k + 1, 2 * k + 1), k) * roi
    fg = _crf_foreground(crf, img, normalize_map(m))
    if fg.sum() > area / 5 or area / (w * h) > 1 / 10:
        return fg
    return _box_fill(crf, img, box, fg, SMALL_RESULT_INIT_PROBS, area / 3)


def nested(box, boxes):
    """Whether ``box`` lies entirely inside another (different) box of ``boxes``."""
    return any(tuple(other) != tuple(box) and other[0] <= box[0] and other[1] <= box[1]
               and other[2] >= box[2] and other[3] >= box[3] for other in boxes)


def semantic_label(classes, boxes, masks, ignore_masks):
    """The semantic pseudo label (uint8, 0 = background, 255 = ignore) of one image.

    ``classes`` 1..C, ``masks`` the th 0.85 instance masks, ``ignore_masks`` the th 0.2 ones:
    a pixel of instances of two classes is 255; a box inside another box repaints its own
    mask with its class (boxes in descending area order); a pixel of an instance's th 0.2
    mask outside that instance's th 0.85 mask is 255, over everything else."""
    shape = masks[0].shape
    order = np.argsort(-np.array([box_area(b) for b in boxes]), kind='stable')
    planes = {}
    for i in order:
        planes.setdefault(classes[i], np.zeros(shape, bool))
        planes[classes[i]] |= masks[i] == 1
    label = np.zeros(shape, np.uint8)
    for c, plane in planes.items():
        label[plane] = c
    label[np.sum(list(planes.values()), axis=0) > 1] = 255
    for i in order:
        if nested(boxes[i], boxes):
            label[masks[i] == 1] = classes[i]
    for mask, ignore in zip(masks, ignore_masks):
        label[(mask == 0) & (ignore == 1)] = 255
    return label
