# IRN CAM classifier on VOC 2012 train_aug (10,582 images): 5 epochs, global batch 16, crop 512,
# resize-long 320-640, flip (configs/_base_/tasks/cls_512.py). Another dataset: --dataset.
#   python tools/train.py configs/cam/cam_r50_voc.py
_base_ = [
    '../_base_/datasets/voc12.py', '../_base_/tasks/cls_512.py',
    '../_base_/models/cam_r50.py', '../_base_/schedules/cam_irn_5ep.py'
]
