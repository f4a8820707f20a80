# BBAM's VOC Mask R-CNN (mask-rcnn_r101_fpn_voc.py) on a ResNet-50: the backbone swap.
_base_ = './mask-rcnn_r101_fpn_voc.py'
model = dict(backbone=dict(depth=50, init_cfg=dict(type='Pretrained',
                                                   checkpoint='torchvision://resnet50')))
