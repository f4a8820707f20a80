# The IRN CAM recipe on COCO 2014 (cam_r50_coco14.py) with ResNet-38d (cam_wr38_voc.py).
_base_ = ['./cam_r50_coco14.py', '../_base_/models/resnet38d.py']
model = dict(backbone={{_base_.resnet38d}}, in_channels=None)
