"""AMN: activation manipulation network (Lee et al., CVPR 2022; methods.md §4.2).

``net/resnet50_amn.py``: the IRN ResNet-50 (output stride 16, every BN on running
statistics, only conv1/bn1 frozen), **label conditioning** — ``label_enc = Linear(C_fg,
2048)`` of the image's multi-hot label multiplies the stage-4 features channel-wise, with
no activation (paper Eq. 2, ``f(x) · h(y)``) — then ``Dropout(0.1)`` and the DeepLab-v2
ASPP (four dilated 3×3 convs, summed; ``DeepLabV2Head``) to C+1 logits at stride 16.
The image-level label is fed at training *and* inference.

The LC position is configurable (``lc_stages``, the paper's Table 2 ablation: after
layer3, layer4 (default, the best: 62.1), or several stages, one encoder per stage).

Deviation: the reference overrides ``train()`` without calling ``super().train()``, so its
``eval()`` never switches dropout off and its seeds are random (methods.md §4.2). Here
``eval()`` is deterministic; ``dropout_at_inference=True`` reproduces the reference.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmengine.structures import PixelData
from mmseg.registry import MODELS

from .cam_classifier import image_labels


@MODELS.register_module()
class AMN(BaseModel):
    """Label-conditioned per-pixel classifier trained on IR labels with ``PCLLoss``.

    Args:
        backbone: mmseg ``ResNet`` config (IRN style; any ``out_indices``).
        decode_head: ``DeepLabV2Head`` config (``num_classes`` = C+1, incl. background);
            its ``loss_decode`` (``PCLLoss``) is the training loss.
        num_fg_classes: length of the image-level multi-hot label (20 VOC, 80 COCO).
        lc_stages: names of the ResNet stages whose output is label-conditioned.
        dropout_ratio: dropout before the ASPP (0.1).
        dropout_at_inference: keep dropout active in ``eval()`` (the reference behaviour).
    """

    def __init__(self, backbone, decode_head, num_fg_classes, lc_stages=('layer4', ),
                 dropout_ratio=0.1, dropout_at_inference=False, data_preprocessor=None,
                 init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.decode_head = MODELS.build(decode_head)
        self.num_fg_classes = num_fg_classes
        if self.decode_head.num_classes != num_fg_classes + 1:
            raise ValueError(f'AMN: decode_head.num_classes={self.decode_head.num_classes} '
                             f'must be num_fg_classes + 1 = {num_fg_classes + 1}')
        stages = list(self.backbone.res_layers)
        unknown = [s for s in lc_stages if s not in stages]
        if unknown or not lc_stages:
            raise ValueError(f'AMN: lc_stages {tuple(lc_stages)} must be a non-empty subset '
                             f'of the backbone stages {tuple(stages)}')
        self.label_encs = nn.ModuleDict({
            name: nn.Linear(num_fg_classes, self.stage_channels(stages.index(name)))
            for name in lc_stages})
        self.dropout = nn.Dropout(dropout_ratio)
        self.dropout_at_inference = dropout_at_inference

    def stage_channels(self, index):
        """Output channels of ResNet stage ``index`` (0-based)."""
        backbone = self.backbone
        return backbone.base_channels * 2**index * backbone.block.expansion

    def train(self, mode=True):
        super().train(mode)
        if self.dropout_at_inference:
            self.dropout.train()
        return self

    def features(self, inputs, img_labels):
        """Last backbone output with LC applied after every stage of ``lc_stages``.

        Forward hooks scale the stage outputs, so the host ``ResNet.forward`` runs
        unchanged whatever the LC position."""
        img_labels = img_labels.to(inputs.device, torch.float32)
        handles = []
        for name, enc in self.label_encs.items():
            scale = enc(img_labels)[:, :, None, None]
            handles.append(getattr(self.backbone, name).register_forward_hook(
                lambda module, args, out, scale=scale: out * scale))
        try:
            return self.backbone(inputs)[-1]
        finally:
            for handle in handles:
                handle.remove()

    def logits(self, inputs, img_labels):
        """C+1 logits at stride 16, ``[B, C+1, h, w]``."""
        return self.decode_head([self.dropout(self.features(inputs, img_labels))])

    def forward(self, inputs, data_samples=None, mode='tensor'):
        if data_samples is None:
            raise ValueError('AMN needs data_samples carrying metainfo "img_labels": the '
                             'image-level label conditions the features in every mode')
        logits = self.logits(inputs, image_labels(data_samples, inputs.device))
        if mode == 'tensor':
            return logits
        if mode == 'loss':
            labels = torch.stack([s.gt_sem_seg.data[0] for s in data_samples]).long()
            loss = self.decode_head.loss_decode
            return {loss.loss_name: loss(logits, labels,
                                         ignore_index=self.decode_head.ignore_index)}
        if mode == 'predict':
            return self.predict(logits, data_samples)
        raise ValueError(f'invalid mode {mode!r}: expected "loss", "predict" or "tensor"')

    def predict(self, logits, data_samples):
        """Label-conditioned prediction, as the reference's per-epoch evaluation: logits
        upsampled to the stride-16-rounded size and cropped, softmax, restricted to
        background + the image's classes, argmax."""
        for logit, sample in zip(logits, data_samples):
            h, w = sample.metainfo.get('img_shape', sample.metainfo['ori_shape'])[:2]
            up = ((h - 1) // 16 + 1) * 16, ((w - 1) // 16 + 1) * 16
            logit = F.interpolate(logit[None], up, mode='bilinear',
                                  align_corners=False)[:, :, :h, :w]
            ori = tuple(sample.metainfo.get('ori_shape', (h, w))[:2])
            if ori != (h, w):
                logit = F.interpolate(logit, ori, mode='bilinear', align_corners=False)
            prob = F.softmax(logit[0], dim=0)
            present = torch.cat([prob.new_ones(1), torch.as_tensor(
                sample.metainfo['img_labels'], dtype=prob.dtype, device=prob.device)]) > 0
            prob = prob.masked_fill(~present[:, None, None], -1.)
            sample.set_data(dict(seg_logits=PixelData(data=logit[0]),
                                 pred_sem_seg=PixelData(data=prob.argmax(0, keepdim=True))))
        return data_samples
