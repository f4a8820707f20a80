# Image-level training data (classifier stages): IRN augmentation = resize the long
# side to U[640/2, 640] (bicubic), random crop 512, flip.
_base_ = './coco14.py'
crop_size = (512, 512)
cls_train_pipeline = [
    dict(type='LoadCheckedImage'),
    dict(type='RandomResize', scale=(640, 640), ratio_range=(0.5, 1.0), keep_ratio=True,
         interpolation='bicubic', backend='pillow'),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackWSSSInputs'),
]
train_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type={{_base_.dataset_type}},
        data_root={{_base_.data_root}},
        ann_file='ImageSets/train2014.txt',
        data_prefix=dict(img_path='train2014', seg_map_path=None),
        img_labels_from='cls_labels_train2014.json',
        pipeline=cls_train_pipeline))
