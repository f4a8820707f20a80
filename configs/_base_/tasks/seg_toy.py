# Segmentation training at toy scale: crop 128, batch 8, otherwise tasks/seg_321.py.
_base_ = './val_gt.py'
crop_size = (128, 128)
seg_train_pipeline = [
    dict(type='LoadCheckedImage'),
    dict(type='LoadCheckedAnnotations'),
    dict(type='RandomRescale', ratio_range=(0.5, 2.0), interpolation='bilinear', backend='cv2'),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackWSSSInputs'),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(split='train_split', pipeline=seg_train_pipeline))
val_dataloader = dict(num_workers=2)
