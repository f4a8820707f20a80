# IRN CAM classifier on VOC 2012 train_aug (10,582 images): 5 epochs, batch 16, crop 512,
# resize-long 320-640, flip (configs/_base_/datasets/voc12_cls.py).
#   python tools/train.py configs/cam/cam_r50_voc.py
_base_ = [
    '../_base_/datasets/voc12_cls.py',
    '../_base_/models/cam_r50.py', '../_base_/schedules/cam_irn_5ep.py'
]
# IRN's DataLoader drops the last incomplete batch (max_step = len // batch * epochs).
train_dataloader = dict(drop_last=True)
