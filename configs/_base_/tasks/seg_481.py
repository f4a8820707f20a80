# Segmentation training on COCO (the WSSS papers' COCO DeepLab-v2): tasks/seg_321.py with
# crop 481 and global batch 20.
_base_ = './seg_321.py'
crop_size = (481, 481)
train_dataloader = dict(batch_size=20)
