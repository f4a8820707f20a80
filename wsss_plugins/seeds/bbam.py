"""BBAM: the smallest mask of the image that keeps a detector's box and class prediction for
one ground-truth box (Lee et al., CVPR 2021; methods.md §6.2, wave2.md §1.3 — the loop of
``BBAM_training_images_multi.py::process``).

Per GT box b of class c (coordinates of the resized network input, H×W):

1. 1,000 jittered proposals (each coordinate moved by U(−0.3, 0.3) of the box's width or
   height, clipped to the image); one forward of the box head on them, no gradients.
2. Positives P: the argmax class over all C+1 columns is c and the IoU of the class-c
   decoded box with b (integer-truncated coordinates, no +1) is > τ, for τ = 0.9, 0.85, 0.8
   in turn; at the first τ with more than 100 positives the first 100 are kept, at 0.8
   whatever was found. No positive: an all-zero mask.
3. Targets from the unperturbed forward: the class-c deltas t_p and softmax probability π_p.
4. Mask m ``[⌊H/s⌋, ⌊W/s⌋]``, stride s = 16 + 48·√(area(b)/(H·W)), 1 inside the union of the
   positives' decoded class-c boxes (divided by s, truncated), 0 elsewhere.
5. 300 Adam steps (lr 0.02), m clamped to [0, 1] after each; the masked input is
   ``x_norm · up(m)`` (``up``: bilinear, align_corners=True), i.e. masked pixels take the
   normalisation mean; loss (1/|P|)·Σ_p [½·mean|t_p − t_p(m)| + ½·|π_p − π_p(m)|]
   + λ_L1·Σ|m| + λ_TV·TV_β(m).

The detector is reached only through an adapter (``models/detection``). Boxes of one image
are optimised together: K masked copies of the image in one batch, one Adam over the K mask
parameters and the sum of the K losses. With the detector in eval mode (frozen BN) object
k's loss depends on mask k alone and Adam is element-wise, so this equals K separate runs
up to float rounding (``batch_size=1`` runs them one by one; tested).
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

from ..registry import BOX_ATTRIBUTORS

#: The two settings of the reference: training images (GT boxes; λ_L1, λ_TV) and the
#: detection demo (``BBAM_FRCNN.py``: the detector's own detections with score > 0.7;
#: ``score_thr`` is read by ``tools/bbam_demo.py``).
PRESETS = dict(training_images=dict(l1_weight=0.007, tv_weight=1e-4),
               detection_demo=dict(l1_weight=0.07, tv_weight=1e-3, score_thr=0.7))


def tv_norm(mask, beta=3.0):
    """TV_β of a 2-D mask as ``BBAM_utils.tv_norm(mask, β, diagonal=True, sum=True)``:
    Σ|Δ|^β over vertical and horizontal neighbours plus the two diagonals, each diagonal
    counted twice (the reference writes each of them twice)."""
    d = lambda a, b: (a - b).abs().pow(beta).sum()  # noqa: E731
    return (d(mask[:-1, :], mask[1:, :]) + d(mask[:, :-1], mask[:, 1:])
            + 2 * d(mask[:-1, :-1], mask[1:, 1:]) + 2 * d(mask[1:, :-1], mask[:-1, 1:]))


def truncated_iou(boxes, box):
    """IoU of ``boxes [N, 4]`` with ``box [4]`` on integer-truncated coordinates without the
    +1 convention (``BBAM_utils.get_single_iou``)."""
    boxes, box = boxes.trunc(), box.trunc()
    iw = (torch.minimum(boxes[:, 2], box[2]) - torch.maximum(boxes[:, 0], box[0])).clamp(min=0)
    ih = (torch.minimum(boxes[:, 3], box[3]) - torch.maximum(boxes[:, 1], box[1])).clamp(min=0)
    inter = iw * ih
    area = lambda b: (b[..., 2] - b[..., 0]) * (b[..., 3] - b[..., 1])  # noqa: E731
    return inter / (area(boxes) + area(box) - inter)


def jitter_proposals(box, img_shape, num=1000, ratio=0.3, generator=None):
    """``num`` proposals around ``box``: each coordinate moved by U(−ratio, ratio) of the
    box width (x) or height (y), x1/y1 clipped at 0 and x2/y2 at the image size."""
    h, w = img_shape
    size = torch.stack([box[2] - box[0], box[3] - box[1]] * 2)
    offsets = (torch.rand(num, 4, generator=generator, dtype=box.dtype) * 2 - 1) * ratio
    props = box[None] + offsets.to(box.device) * size
    props[:, :2] = props[:, :2].clamp(min=0)
    props[:, 2] = props[:, 2].clamp(max=w)
    props[:, 3] = props[:, 3].clamp(max=h)
    return props


def select_positives(cls_score, decoded, box, label, thresholds=(0.9, 0.85, 0.8),
                     max_positives=100):
    """Indices of the positive proposals (module docstring, step 2), in proposal order.

    ``cls_score [N, C+1]`` (background last), ``decoded [N, 4]`` the class-``label``
    decoded boxes."""
    agrees = cls_score.argmax(1) == label
    iou = truncated_iou(decoded, box)
    for tau in thresholds:
        positives = torch.nonzero(agrees & (iou > tau)).flatten()
        if len(positives) > max_positives:
            return positives[:max_positives]
    return positives


def mask_stride(box, img_shape):
    """s = 16 + 48·√(area(b) / (H·W))."""
    h, w = img_shape
    return 16 + 48 * math.sqrt(float((box[2] - box[0]) * (box[3] - box[1])) / (h * w))


def initial_mask(decoded_boxes, stride, img_shape):
    """``[⌊H/s⌋, ⌊W/s⌋]``: 1 in the union of the boxes divided by s and truncated.

    The reference slices with the truncated coordinates as they are, so a negative one
    (a decoded box leaving the image) wraps around in numpy; here it counts from 0."""
    h, w = img_shape
    mask = torch.zeros(int(h / stride), int(w / stride))
    for x1, y1, x2, y2 in (decoded_boxes / stride).trunc().long().tolist():
        mask[max(y1, 0):max(y2, 0), max(x1, 0):max(x2, 0)] = 1
    return mask


def bbam_loss(mask, deltas, probs, target_deltas, target_probs, l1_weight, tv_weight,
              tv_beta=3.0):
    """The BBAM objective of one box: ``deltas``/``target_deltas [P, 4]`` (class c),
    ``probs``/``target_probs [P]`` (softmax of class c), ``mask`` the 2-D parameter."""
    keep = (0.5 * (target_deltas - deltas).abs().mean(1)
            + 0.5 * (target_probs - probs).abs()).mean()
    return keep + l1_weight * mask.abs().sum() + tv_weight * tv_norm(mask, tv_beta)


@BOX_ATTRIBUTORS.register_module(name='BBAM')
class BBAM:
    """BBAM maps of every box of an image through a detector ``adapter``.

    Args:
        num_proposals, jitter, thresholds, max_positives: steps 1-2 of the loop.
        iterations, lr: Adam over the masks. l1_weight, tv_weight, tv_beta: the loss;
            None takes the ``preset``'s (``PRESETS``: ``'training_images'`` 0.007 / 1e-4,
            ``'detection_demo'`` 0.07 / 1e-3).
        batch_size: boxes optimised together (None: all boxes of the image).
        seed: the jitter's random generator (the reference's is unseeded).
    """

    def __init__(self, adapter, num_proposals=1000, jitter=0.3, thresholds=(0.9, 0.85, 0.8),
                 max_positives=100, iterations=300, lr=0.02, l1_weight=None, tv_weight=None,
                 tv_beta=3.0, batch_size=None, seed=0, preset='training_images'):
        if preset not in PRESETS:
            raise KeyError(f'BBAM preset {preset!r}: the presets are {", ".join(PRESETS)}')
        l1_weight = PRESETS[preset]['l1_weight'] if l1_weight is None else l1_weight
        tv_weight = PRESETS[preset]['tv_weight'] if tv_weight is None else tv_weight
        self.adapter = adapter
        self.num_proposals, self.jitter = num_proposals, jitter
        self.thresholds, self.max_positives = tuple(thresholds), max_positives
        self.iterations, self.lr = iterations, lr
        self.l1_weight, self.tv_weight, self.tv_beta = l1_weight, tv_weight, tv_beta
        self.batch_size, self.seed = batch_size, seed

    def __call__(self, img, boxes, labels):
        """``img`` RGB uint8, ``boxes [K, 4]`` (its pixels), ``labels [K]`` (0..C-1) →
        dict(masks: K float32 arrays (mask resolution), strides, num_positives,
        img_shape (the network input's H, W), scale (sx, sy))."""
        prep = self.adapter.prepare(img, boxes)
        inputs, img_shape = prep['inputs'], prep['img_shape']
        if len(boxes) == 0:  # e.g. no detection above the demo's score threshold
            return dict(masks=[], strides=[], num_positives=[], img_shape=tuple(img_shape),
                        scale=tuple(prep['scale']))
        objects = self._targets(inputs, img_shape, prep['boxes'], [int(c) for c in labels])
        todo = [o for o in objects if o['positives'] is not None]
        step = self.batch_size or max(len(todo), 1)
        for start in range(0, len(todo), step):
            self._optimise(inputs, img_shape, todo[start:start + step])
        return dict(masks=[o['mask'].numpy().astype(np.float32) for o in objects],
                    strides=[o['stride'] for o in objects],
                    num_positives=[0 if o['positives'] is None else len(o['positives'])
                                   for o in objects],
                    img_shape=tuple(img_shape), scale=tuple(prep['scale']))

    @torch.no_grad()
    def _targets(self, inputs, img_shape, boxes, labels):
        """Steps 1-4 for every box: proposals, positives, targets, stride and initial mask.

        One box-head pass over all boxes' proposals (the features of the unmasked image are
        shared; with the head in eval mode each RoI's outputs do not depend on the others)."""
        generator = torch.Generator().manual_seed(self.seed)
        proposals = [jitter_proposals(box, img_shape, self.num_proposals, self.jitter,
                                      generator) for box in boxes]
        outputs = zip(*(out.split([len(p) for p in proposals])
                        for out in self.adapter.box_outputs(inputs, [torch.cat(proposals)])))
        objects = []
        h, w = img_shape
        for box, label, props, (cls_score, bbox_pred) in zip(boxes, labels, proposals, outputs):
            stride = mask_stride(box, img_shape)
            deltas = bbox_pred[:, 4 * label:4 * label + 4]
            decoded = self.adapter.decode(props, deltas)
            positives = select_positives(cls_score, decoded, box, label, self.thresholds,
                                         self.max_positives)
            if len(positives) == 0:
                objects.append(dict(stride=stride, positives=None,
                                    mask=torch.zeros(int(h / stride), int(w / stride))))
                continue
            objects.append(dict(stride=stride, positives=positives, label=label,
                                proposals=props[positives], target_deltas=deltas[positives],
                                target_probs=F.softmax(cls_score, 1)[positives, label],
                                mask=initial_mask(decoded[positives].cpu(), stride, img_shape)))
        return objects

    def _optimise(self, inputs, img_shape, objects):
        """Step 5 for a group of boxes: one batch of masked copies, one Adam."""
        h, w = img_shape
        device = inputs.device
        params = [o['mask'].to(device).requires_grad_(True) for o in objects]
        optimizer = torch.optim.Adam(params, lr=self.lr)
        pad = (0, inputs.shape[-1] - w, 0, inputs.shape[-2] - h)
        for _ in range(self.iterations):
            ups = [F.pad(F.interpolate(m[None, None], size=(h, w), mode='bilinear',
                                       align_corners=True), pad, value=1.0) for m in params]
            masked = inputs * torch.cat(ups)
            cls_score, bbox_pred = self.adapter.box_outputs(masked,
                                                            [o['proposals'] for o in objects])
            probs = F.softmax(cls_score, 1)
            loss, first = 0, 0
            for m, o in zip(params, objects):
                rows = slice(first, first + len(o['proposals']))
                first = rows.stop
                c = o['label']
                loss = loss + bbam_loss(m, bbox_pred[rows, 4 * c:4 * c + 4], probs[rows, c],
                                        o['target_deltas'], o['target_probs'],
                                        self.l1_weight, self.tv_weight, self.tv_beta)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            with torch.no_grad():
                for m in params:
                    m.clamp_(0, 1)
        for m, o in zip(params, objects):
            o['mask'] = m.detach().cpu()
