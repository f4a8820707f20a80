"""IRN's image-level CAM classifier (``net/resnet50_cam.py``, methods.md §0/§1).

A backbone (the IRN ResNet-50 is mmseg's ``ResNet`` with strides (1,2,2,1), frozen BN
and a frozen stem), then a bias-free 1×1 convolution to the foreground classes.

* training logits: ``classifier(GAP(features))`` with the multilabel soft-margin loss;
* class maps: ``conv1x1(features, W)`` without GAP (``CAM.forward(separate=True)``);
  the CAM is their ReLU.  Both are linear in the features, so GAP and the 1×1 conv commute.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmseg.registry import MODELS


def image_labels(data_samples, device):
    """``[B, C]`` float multi-hot image-level labels of a batch (``PackWSSSInputs`` metainfo)."""
    return torch.stack([torch.as_tensor(s.metainfo['img_labels'], dtype=torch.float32)
                        for s in data_samples]).to(device)


@MODELS.register_module()
class CAMClassifier(BaseModel):
    """Multi-label classifier whose 1×1 classifier doubles as CAM projection.

    Args:
        backbone: backbone config; its last output is used.
        num_classes: number of foreground classes (background has no channel).
        in_channels: channels of the backbone's last output; ``None`` reads the
            mmseg ``ResNet``'s ``feat_dim``.
        data_preprocessor: e.g. ``SegDataPreProcessor`` with ImageNet mean/std.
    """

    def __init__(self, backbone, num_classes, in_channels=None,
                 data_preprocessor=None, init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        if in_channels is None:
            in_channels = self.backbone.feat_dim
        self.num_classes = num_classes
        # IRN: nn.Conv2d(2048, 20, 1, bias=False) with PyTorch's default init.
        self.classifier = nn.Conv2d(in_channels, num_classes, 1, bias=False)

    def features(self, inputs):
        """Last backbone stage (IRN ``stage4``), ``[B, C_f, h, w]``."""
        return self.backbone(inputs)[-1]

    def class_maps(self, feats):
        """Raw class maps ``Z = conv1x1(F, W)``, ``[B, num_classes, h, w]``."""
        return F.conv2d(feats, self.classifier.weight)

    def cam(self, inputs):
        """``relu(Z)``: the IRN CAM of every class for every image."""
        return F.relu(self.class_maps(self.features(inputs)))

    def logits(self, inputs):
        """Training logits ``W · GAP(F)`` (IRN ``Net.forward``), ``[B, num_classes]``."""
        feats = self.features(inputs)
        pooled = feats.mean(dim=(2, 3), keepdim=True)
        return self.classifier(pooled).flatten(1)

    def forward(self, inputs, data_samples=None, mode='tensor'):
        logits = self.logits(inputs)
        if mode == 'tensor':
            return logits
        if mode == 'loss':
            labels = image_labels(data_samples, logits.device)
            return dict(loss_cls=F.multilabel_soft_margin_loss(logits, labels))
        if mode == 'predict':
            scores = torch.sigmoid(logits)
            for sample, score in zip(data_samples, scores):
                sample.set_field(score, 'pred_img_scores')
            return data_samples
        raise ValueError(f'invalid mode {mode!r}: expected "loss", "predict" or "tensor"')
