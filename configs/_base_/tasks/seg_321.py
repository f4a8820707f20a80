# Segmentation training (DeepLab-v2) at the reference scale: label maps from
# `train_dataloader.dataset.data_prefix.seg_map_path` (the train split's ground truth by
# default; point it at a pseudo-label directory); deeplab-pytorch's augmentation (OpenCV:
# bilinear images, nearest labels; scale 0.5-2.0, crop 321, flip), global batch 10.
_base_ = './val_gt.py'
crop_size = (321, 321)
seg_train_pipeline = [
    dict(type='LoadCheckedImage'),
    dict(type='LoadCheckedAnnotations'),
    dict(type='RandomRescale', ratio_range=(0.5, 2.0), interpolation='bilinear', backend='cv2'),
    dict(type='RandomCrop', crop_size=None),  # = crop_size (datasets/config.py)
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackWSSSInputs'),
]
train_dataloader = dict(
    batch_size=10,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(split='train_split', pipeline=seg_train_pipeline))
