"""mmseg ``ResNet`` with the MSRA/caffe stem pooling DeepLab-v2 used.

DeepLab-v2's ResNet-101 (deeplab-pytorch ``libs/models/resnet.py::_Stem``) max-pools the
stem with ``ceil_mode=True``; mmseg's ``ResNet`` floors. The two give different feature
sizes whenever the stem output is even (e.g. 500x375 VOC images: 126x95 vs 125x94 after
the pool), so the converted caffe weights would see a shifted grid. Everything else is
configured on mmseg's ``ResNet`` (ecosystem.md A.7): ``style='caffe'`` (stride on the first
1x1 conv), ``strides=(1, 2, 1, 1)``, ``dilations=(1, 1, 2, 4)``, ``contract_dilation=False``,
frozen BN.
"""
from mmseg.models.backbones import ResNet
from mmseg.registry import MODELS


@MODELS.register_module()
class DeepLabResNet(ResNet):
    """``ResNet`` whose stem max-pool rounds up (``pool_ceil_mode=True``, the caffe
    behaviour); ``pool_ceil_mode=False`` is exactly mmseg's ``ResNet``."""

    def __init__(self, pool_ceil_mode=True, **kwargs):
        super().__init__(**kwargs)
        self.maxpool.ceil_mode = pool_ceil_mode
