# ACR's image-level training (the official voc12/data.py): long side resized to U[384, 512]
# (Pillow bicubic; here continuous, the official randint), flip, random crop 256 (padded to
# 256 by the data preprocessor), batch 8. Colour jitter is parsed but disabled there: none.
_base_ = './epoch_loader.py'
crop_size = (256, 256)
cls_train_pipeline = [
    dict(type='LoadCheckedImage'),
    dict(type='RandomResize', scale=(512, 512), ratio_range=(0.75, 1.0), keep_ratio=True,
         interpolation='bicubic', backend='pillow'),
    dict(type='RandomCrop', crop_size=None),  # = crop_size (datasets/config.py)
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackWSSSInputs'),
]
train_dataloader = dict(batch_size=8,
                        dataset=dict(data_prefix=dict(seg_map_path=None),
                                     pipeline=cls_train_pipeline))
