# Image-level training (classifier stages) at the reference scale: IRN's augmentation =
# resize the long side to U[640/2, 640] (Pillow bicubic), random crop 512, flip; batch 16
# (the global batch); IRN's DataLoader drops the last incomplete batch.
_base_ = './epoch_loader.py'
crop_size = (512, 512)
cls_train_pipeline = [
    dict(type='LoadCheckedImage'),
    dict(type='RandomResize', scale=(640, 640), ratio_range=(0.5, 1.0), keep_ratio=True,
         interpolation='bicubic', backend='pillow'),
    dict(type='RandomCrop', crop_size=None),  # = crop_size (datasets/config.py)
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackWSSSInputs'),
]
train_dataloader = dict(dataset=dict(data_prefix=dict(seg_map_path=None),
                                     pipeline=cls_train_pipeline))
