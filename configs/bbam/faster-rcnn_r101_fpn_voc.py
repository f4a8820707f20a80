# BBAM's detector: Faster R-CNN R-101-FPN on VOC 2012 train_aug boxes, BBAM's schedule
# (wave2.md §1.2); MMDetection's model (background is the last class; RoIAlign aligned).
#   python tools/dataset_converters/voc_to_coco.py data/VOCdevkit/VOC2012 \
#       ImageSets/Segmentation/train_aug.txt --out data/VOCdevkit/VOC2012/voc_train_aug.json
#   python tools/train.py configs/bbam/faster-rcnn_r101_fpn_voc.py
# `bbam` (configs/_base_/bbam.py) holds the attribution settings read by tools/make_bbam.py.
_base_ = [
    'mmdet::_base_/models/faster-rcnn_r50_fpn.py', '../_base_/det_runtime.py',
    '../_base_/datasets/voc12.py', '../_base_/tasks/det_1333.py',
    '../_base_/schedules/bbam_frcnn_18k.py', '../_base_/bbam.py'
]
model = dict(
    backbone=dict(depth=101, init_cfg=dict(type='Pretrained',
                                           checkpoint='torchvision://resnet101')),
    roi_head=dict(bbox_head=dict(num_classes=None)))  # the dataset's foreground classes
