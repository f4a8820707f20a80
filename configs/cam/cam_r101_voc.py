# The IRN CAM recipe with a ResNet-101 backbone (torchvision ImageNet weights).
_base_ = './cam_r50_voc.py'
model = dict(backbone=dict(
    depth=101,
    init_cfg=dict(checkpoint='https://download.pytorch.org/models/resnet101-5d3b4d8f.pth')))
