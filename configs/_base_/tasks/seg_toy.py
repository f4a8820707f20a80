# Segmentation training at toy scale: tasks/seg_321.py with crop 128, batch 8.
_base_ = './seg_321.py'
crop_size = (128, 128)
train_dataloader = dict(batch_size=8, num_workers=2)
val_dataloader = dict(num_workers=2)
