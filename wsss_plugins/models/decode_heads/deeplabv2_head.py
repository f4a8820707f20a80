"""DeepLab-v2 ASPP classifier (Chen et al., TPAMI 2018, Fig. 4; deeplab-pytorch
``libs/models/deeplabv2.py::_ASPP``; ecosystem.md A.7).

Four parallel 3x3 convolutions (dilation = padding = 6, 12, 18, 24) map the backbone
features straight to class logits and are summed. No BN, ReLU, pooling branch,
dropout or bottleneck: this is not mmseg's (DeepLab-v3) ``ASPPHead``.
"""
import torch.nn as nn
from mmseg.models.decode_heads.decode_head import BaseDecodeHead
from mmseg.registry import MODELS


@MODELS.register_module()
class DeepLabV2Head(BaseDecodeHead):
    """Sum of four dilated 3x3 classifiers, ``in_channels`` -> ``num_classes``.

    Weights N(0, 0.01) and biases 0, as deeplab-pytorch initialises ``aspp.c*``.
    ``BaseDecodeHead`` always builds ``conv_seg``; it is deleted here because an unused
    parameter breaks DDP (ecosystem.md A.7), and the default ``init_cfg`` (which names
    ``conv_seg``) is replaced by one over every ``Conv2d`` of the head.
    """

    def __init__(self, in_channels, dilations=(6, 12, 18, 24),
                 init_cfg=dict(type='Normal', std=0.01, bias=0, layer='Conv2d'), **kwargs):
        kwargs.setdefault('channels', in_channels)
        kwargs.setdefault('dropout_ratio', 0)
        super().__init__(in_channels, init_cfg=init_cfg, **kwargs)
        if self.dropout is not None:
            raise ValueError('DeepLabV2Head has no dropout (deeplab-pytorch _ASPP); '
                             f'got dropout_ratio={self.dropout_ratio}')
        del self.conv_seg
        self.dilations = tuple(dilations)
        self.convs = nn.ModuleList(
            nn.Conv2d(self.in_channels, self.out_channels, 3, padding=d, dilation=d, bias=True)
            for d in self.dilations)

    def forward(self, inputs):
        x = self._transform_inputs(inputs)
        return sum(conv(x) for conv in self.convs)
