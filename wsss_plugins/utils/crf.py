"""The one dense-CRF wrapper (pydensecrf2, imported as ``pydensecrf``).

Two unary forms used by the references:

* ``'label'``: hard labels with ``unary_from_labels(gt_prob, zero_unsure=False)``,
  IRN ``misc/imutils.py::crf_inference_label`` (Gaussian sxy=3 compat=3,
  bilateral sxy=50 srgb=5 compat=10, 10 iterations, gt_prob 0.7);
* ``'softmax'``: probabilities with ``unary_from_softmax``, deeplab-pytorch
  ``libs/utils/crf.py`` (10 iterations, pos_xy 1 / pos_w 3, bi_xy 67 / bi_rgb 3 / bi_w 4),
  also used by ACR; BBAM's two-label instance CRF (``anno_utils.py``) is the same with
  bi_xy 80, and so is its test-time CRF on predicted masks (``prediction_crf_mask``).
"""
import numpy as np

IRN_LABEL_CRF = dict(unary='label', iterations=10, gt_prob=0.7, pos_xy=3, pos_w=3,
                     bi_xy=50, bi_rgb=5, bi_w=10)
DEEPLAB_SOFTMAX_CRF = dict(unary='softmax', iterations=10, pos_xy=1, pos_w=3,
                           bi_xy=67, bi_rgb=3, bi_w=4)
BBAM_INSTANCE_CRF = dict(DEEPLAB_SOFTMAX_CRF, bi_xy=80)


class DenseCRF:
    """``DenseCRF(**IRN_LABEL_CRF)(img, labels, n_labels)`` → label map;
    ``DenseCRF(**DEEPLAB_SOFTMAX_CRF)(img, probs)`` → refined probabilities ``[C, H, W]``."""

    def __init__(self, unary='softmax', iterations=10, pos_xy=3, pos_w=3, bi_xy=50,
                 bi_rgb=5, bi_w=10, gt_prob=0.7):
        if unary not in ('label', 'softmax'):
            raise ValueError(f"unary must be 'label' or 'softmax', got {unary!r}")
        self.unary = unary
        self.iterations = iterations
        self.pos_xy, self.pos_w = pos_xy, pos_w
        self.bi_xy, self.bi_rgb, self.bi_w = bi_xy, bi_rgb, bi_w
        self.gt_prob = gt_prob

    def __call__(self, img, x, n_labels=None):
        import pydensecrf.densecrf as dcrf
        from pydensecrf.utils import unary_from_labels, unary_from_softmax

        # pydensecrf needs a writable buffer (np.asarray of a PIL image is read-only)
        img = np.require(img, dtype=np.uint8, requirements=['C', 'W'])
        h, w = img.shape[:2]
        if self.unary == 'label':
            if x.shape != (h, w):
                raise ValueError(f'label map {x.shape} does not match image {(h, w)}')
            if n_labels is None:
                raise ValueError('the label unary needs n_labels')
            unary = unary_from_labels(x, n_labels, gt_prob=self.gt_prob, zero_unsure=False)
        else:
            if x.shape[1:] != (h, w):
                raise ValueError(f'probabilities {x.shape} do not match image {(h, w)}')
            n_labels = x.shape[0]
            unary = unary_from_softmax(np.asarray(x, dtype=np.float32))
        crf = dcrf.DenseCRF2D(w, h, n_labels)
        crf.setUnaryEnergy(np.ascontiguousarray(unary))
        crf.addPairwiseGaussian(sxy=self.pos_xy, compat=self.pos_w)
        crf.addPairwiseBilateral(sxy=self.bi_xy, srgb=self.bi_rgb, rgbim=img, compat=self.bi_w)
        q = np.array(crf.inference(self.iterations)).reshape((n_labels, h, w))
        return np.argmax(q, 0) if self.unary == 'label' else q


def top_fraction(mask, area, th_fg):
    """Saturate the top ``1 − th_fg`` fraction *of the box area* to 1: divide by the value
    at rank ⌊area·(1 − th_fg)⌋ of the descending-sorted pixels (+1e-8) and clip to [0, 1]."""
    ranked = np.sort(mask, axis=None)[::-1]
    threshold = ranked[int(area * (1 - th_fg))] + 1e-8
    return np.clip(mask / threshold, 0, 1)


#: BBAM's test-time CRF on predicted masks (``CRF_for_prediction.py``: the ``Masker`` of its
#: maskrcnn-benchmark fork, ``paste_mask_in_image(do_CRF=True)``).
ZOOM = 3.0
ZOOM_BELOW = 20000  # box area (pixels) under which the CRF runs on the zoomed crop
SMALL_BOX = 100


def prediction_crf_mask(img, prob, box, crf=None, threshold=0.5):
    """``img`` RGB uint8 ``[H, W, 3]``, ``prob`` the predicted mask's probabilities ``[H, W]``
    (0..1, pasted into the image), ``box`` (x1, y1, x2, y2) → bool mask.

    The top 15% of the box area (20% for boxes of at most 100 pixels) saturated to 1
    (``top_fraction``), then the two-label DeepLab CRF over the whole image, or, for boxes
    under 20,000 pixels, over a crop that zooms the box's surroundings ×3 (resized to the
    image size and back); foreground where its probability exceeds ``threshold``.
    Deviation: the box is the predicted box as MMDetection pastes the mask (the reference
    first expands it by the mask padding, (28 + 2) / 28)."""
    import cv2
    crf = crf or DenseCRF(**DEEPLAB_SOFTMAX_CRF)
    h, w = prob.shape
    x1, y1 = max(int(box[0]), 0), max(int(box[1]), 0)
    x2, y2 = min(int(box[2]), w), min(int(box[3]), h)
    area = max(x2 - x1 + 1, 1) * max(y2 - y1 + 1, 1)
    inside = np.zeros((h, w), np.float32)
    inside[y1:y2 + 1, x1:x2 + 1] = 1
    m = top_fraction(np.asarray(prob, np.float32) * inside, area,
                     1 - (0.15 if area > SMALL_BOX else 0.2))
    if area < ZOOM_BELOW:
        cx1, cy1 = int(x1 * (1 - 1 / ZOOM)), int(y1 * (1 - 1 / ZOOM))
        cx2, cy2 = int((w + (ZOOM - 1) * x2) / ZOOM), int((h + (ZOOM - 1) * y2) / ZOOM)
        crop_img = cv2.resize(np.ascontiguousarray(img[cy1:cy2, cx1:cx2]), (w, h))
        crop_m = cv2.resize(m[cy1:cy2, cx1:cx2], (w, h))
        q = crf(crop_img, np.stack([crop_m, 1 - crop_m]).astype(np.float32))[0]
        fg = np.zeros((h, w), np.float32)
        fg[cy1:cy2, cx1:cx2] = cv2.resize(q.astype(np.float32), (cx2 - cx1, cy2 - cy1))
    else:
        fg = crf(img, np.stack([m, 1 - m]).astype(np.float32))[0]
    return fg > threshold
