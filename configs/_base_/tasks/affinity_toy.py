# Training on IR labels (IRN, AMN) at toy scale: the reference augmentation with crop 128,
# batch 8.
crop_size = (128, 128)
ir_label_dir = 'ir_label'
affinity_train_pipeline = [
    dict(type='LoadCheckedImage'),
    dict(type='LoadCheckedAnnotations'),
    dict(type='RandomRescale', ratio_range=(0.5, 1.5)),
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='PackWSSSInputs'),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(split='train_split', data_prefix=dict(seg_map_path=ir_label_dir),
                 pipeline=affinity_train_pipeline))
