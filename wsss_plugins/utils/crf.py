"""The one dense-CRF wrapper (pydensecrf2, imported as ``pydensecrf``).

Two unary forms used by the references:

* ``'label'``: hard labels with ``unary_from_labels(gt_prob, zero_unsure=False)``,
  IRN ``misc/imutils.py::crf_inference_label`` (Gaussian sxy=3 compat=3,
  bilateral sxy=50 srgb=5 compat=10, 10 iterations, gt_prob 0.7);
* ``'softmax'``: probabilities with ``unary_from_softmax``, deeplab-pytorch
  ``libs/utils/crf.py`` (10 iterations, pos_xy 1 / pos_w 3, bi_xy 67 / bi_rgb 3 / bi_w 4),
  also used by ACR; BBAM's two-label instance CRF (``anno_utils.py``) is the same with
  bi_xy 80.
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
