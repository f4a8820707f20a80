# IRN CAM classifier on COCO 2014 train (82,081 images, 80 classes). IRN has no COCO recipe;
# the VOC schedule is kept (5 epochs, batch 16, crop 512, lr 0.1/1.0).
_base_ = [
    '../_base_/datasets/coco14.py', '../_base_/tasks/cls_512.py',
    '../_base_/models/cam_r50.py', '../_base_/schedules/cam_irn_5ep.py'
]
