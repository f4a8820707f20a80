# BBAM's COCO detector: Faster R-CNN R-50-FPN (BBAM_coco_FPN_R101_FasterRCNN.yaml is R-50
# despite its name; wave2.md §1.2) on COCO 2014 train boxes (the instances json; BBAM's boxes
# come from it too, there are no XMLs), its schedule: SGD lr 0.01 at batch 8, 180k
# iterations, x0.1 at 120k and 160k; shorter side 800 (maskrcnn-benchmark's default).
#   python tools/train.py configs/bbam/faster-rcnn_r50_fpn_coco14.py
_base_ = [
    'mmdet::_base_/models/faster-rcnn_r50_fpn.py', '../_base_/det_runtime.py',
    '../_base_/datasets/coco14.py', '../_base_/tasks/det_1333.py',
    '../_base_/schedules/bbam_frcnn_18k.py', '../_base_/bbam.py'
]
model = dict(
    backbone=dict(init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
    roi_head=dict(bbox_head=dict(num_classes=None)))  # the dataset's 80 foreground classes
train_scales = [(1333, 800)]
train_dataloader = dict(batch_size=8)
param_scheduler = [
    dict(type='LinearLR', start_factor=1 / 3, by_epoch=False, begin=0, end=500),
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=180000, milestones=[120000, 160000],
         gamma=0.1),
]
train_cfg = dict(max_iters=180000, val_interval=180000)
default_hooks = dict(checkpoint=dict(interval=20000))
auto_scale_lr = dict(base_batch_size=8)
