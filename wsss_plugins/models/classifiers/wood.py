"""W-OoD (Lee et al., CVPR 2022): the IRN CAM classifier fine-tuned with out-of-distribution
images (methods.md §3.2, wave2.md §2.2-2.3, the reference's ``step/train_cam_clustering.py``).

Per step, on the in-distribution batch (labels y) and the OoD batch of ``WithOoDDataset``:

    total = MLSM(logits, y) + 0.007 · L_d + 0.25 · L_OoD

* L_d (``distance_loss``): Euclidean distances of the GAP'd last-stage features to the
  C class prototypes and K OoD prototypes (``prototypes``, computed once before training by
  ``WOoDPrototypeHook``): pull towards the image's classes, push from the nearest 20% of the
  (image, OoD-centre) pairs;
* L_OoD (``hard_ood_loss``): one anti-adversarial step (0.07) that raises Σ max-class logit
  of the OoD batch, then the multilabel soft-margin loss of those images towards all-zero
  labels. The reference drops OoD images whose arg-max class is 4 ("bottle" on VOC) without
  an explanation: ``ood_excluded_class=4`` reproduces it (off by default).

Only what the optimiser holds changes: the reference trains stage 3, stage 4 and the
classifier (the CAM config's ``frozen_stages=2`` freezes the stem, layer1 and layer2).
"""
import torch
import torch.nn.functional as F
from mmseg.models.data_preprocessor import SegDataPreProcessor
from mmseg.registry import MODELS

from ..losses.wood_loss import anti_adversarial_step, distance_loss, hard_ood_loss
from .cam_classifier import CAMClassifier, image_labels


@MODELS.register_module()
class WOoDDataPreProcessor(SegDataPreProcessor):
    """``SegDataPreProcessor`` that also normalises and stacks the OoD batch (``ood``: the
    packed OoD samples of ``WithOoDDataset``) into ``ood_inputs``."""

    def forward(self, data, training=False):
        out = super().forward({k: v for k, v in data.items() if k != 'ood'}, training)
        if 'ood' in data:
            out['ood_inputs'] = super().forward(data['ood'], training)['inputs']
        return out


@MODELS.register_module()
class WOoDClassifier(CAMClassifier):
    """``CAMClassifier`` + W-OoD's losses. ``prototypes`` ``[C + K, D]`` is a buffer (in the
    checkpoint); training refuses to start while it is all zero.

    Args:
        num_ood_prototypes: K, the OoD K-means clusters (50).
        distance_weight / ood_weight: 0.007 / 0.25.
        nearest_fraction: the share of OoD distances pushed (``ood_dist_topk`` 0.2).
        adv_step: the anti-adversarial step on the OoD batch (0.07).
        ood_excluded_class: the reference's class-4 mask (None: every OoD image counts).
    """

    def __init__(self, backbone, num_classes, num_ood_prototypes=50, distance_weight=0.007,
                 ood_weight=0.25, nearest_fraction=0.2, adv_step=0.07, ood_excluded_class=None,
                 **kwargs):
        super().__init__(backbone, num_classes, **kwargs)
        self.num_ood_prototypes = num_ood_prototypes
        self.distance_weight, self.ood_weight = distance_weight, ood_weight
        self.nearest_fraction, self.adv_step = nearest_fraction, adv_step
        self.ood_excluded_class = ood_excluded_class
        self.register_buffer('prototypes', torch.zeros(
            num_classes + num_ood_prototypes, self.classifier.in_channels))

    def pooled_features(self, inputs):
        """GAP of the last stage ``[B, D]`` (the reference's ``feature_list`` third element)."""
        return self.features(inputs).mean(dim=(2, 3))

    def forward(self, inputs, data_samples=None, mode='tensor', ood_inputs=None):
        if mode != 'loss':
            return super().forward(inputs, data_samples, mode)
        if not self.prototypes.abs().sum() > 0:
            raise RuntimeError('WOoDClassifier: the prototypes are not computed (add '
                               'WOoDPrototypeHook to custom_hooks)')
        if ood_inputs is None:
            raise ValueError('WOoDClassifier: no OoD batch (train on a WithOoDDataset with '
                             'the WOoDDataPreProcessor)')
        pooled = self.pooled_features(inputs)
        logits = self.classifier(pooled[..., None, None]).flatten(1)
        labels = image_labels(data_samples, logits.device)
        losses = dict(loss_cls=F.multilabel_soft_margin_loss(logits, labels))
        losses['loss_distance'] = self.distance_weight * distance_loss(
            pooled, labels, self.prototypes, self.nearest_fraction)
        climbed = anti_adversarial_step(
            ood_inputs, lambda x: self.logits(x).max(1).values.sum(), self.adv_step)
        ood_logits = self.logits(climbed)
        keep = None if self.ood_excluded_class is None else \
            ood_logits.argmax(1) != self.ood_excluded_class
        losses['loss_ood'] = self.ood_weight * hard_ood_loss(ood_logits, keep)
        return losses
