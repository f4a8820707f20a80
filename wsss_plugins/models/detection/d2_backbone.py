"""A ResNet-18/34-FPN of any width for Detectron2 (``MODEL.BACKBONE.NAME:
"build_narrow_resnet_fpn_backbone"``), registered in ``BACKBONE_REGISTRY``.

Detectron2's ``build_resnet_backbone`` fixes R-18/34 at 64 stem channels; the CPU toy
detectors need the width the MMDetection toy detector has (16: ``base_channels=16``), or BBAM's
60 optimisation steps per box cost ~10× more. Stem ``MODEL.RESNETS.STEM_OUT_CHANNELS`` = w,
stages w, 2w, 4w, 8w of ``BasicBlock`` s (2, 2, 2, 2 or 3, 4, 6, 3), strides 1, 2, 2, 2;
otherwise Detectron2's own ``ResNet``, ``FPN`` and ``LastLevelMaxPool``.
"""
from detectron2.modeling import BACKBONE_REGISTRY
from detectron2.modeling.backbone import FPN, ResNet
from detectron2.modeling.backbone.fpn import LastLevelMaxPool
from detectron2.modeling.backbone.resnet import BasicBlock, BasicStem


@BACKBONE_REGISTRY.register()
def build_narrow_resnet_fpn_backbone(cfg, input_shape):
    res = cfg.MODEL.RESNETS
    blocks = {18: [2, 2, 2, 2], 34: [3, 4, 6, 3]}.get(res.DEPTH)
    if blocks is None:
        raise ValueError(f'build_narrow_resnet_fpn_backbone: MODEL.RESNETS.DEPTH={res.DEPTH}; '
                         'BasicBlock depths are 18 and 34')
    width = res.STEM_OUT_CHANNELS
    stem = BasicStem(in_channels=input_shape.channels, out_channels=width, norm=res.NORM)
    stages, in_channels = [], width
    for i, (n, stride) in enumerate(zip(blocks, [1, 2, 2, 2])):
        out_channels = width * 2 ** i
        stages.append(ResNet.make_stage(BasicBlock, n, stride_per_block=[stride] + [1] * (n - 1),
                                        in_channels=in_channels, out_channels=out_channels,
                                        norm=res.NORM))
        in_channels = out_channels
    bottom_up = ResNet(stem, stages, out_features=res.OUT_FEATURES).freeze(
        cfg.MODEL.BACKBONE.FREEZE_AT)
    return FPN(bottom_up=bottom_up, in_features=cfg.MODEL.FPN.IN_FEATURES,
               out_channels=cfg.MODEL.FPN.OUT_CHANNELS, norm=cfg.MODEL.FPN.NORM,
               top_block=LastLevelMaxPool(), fuse_type=cfg.MODEL.FPN.FUSE_TYPE)
