# Box training and testing at toy scale: the toy images at their size (~128 px; shorter side
# 96-160 in training, 128 in testing), batch 8; otherwise tasks/det_1333.py.
_base_ = './det_1333.py'
test_scale = (200, 128)
train_dataloader = dict(
    batch_size=8,
    num_workers=2,
    dataset=dict(pipeline=[
        dict(type='LoadImageFromFile'),
        dict(type='LoadAnnotations', with_bbox=True),
        dict(type='RandomChoiceResize', scales=[(200, s) for s in range(96, 161, 16)],
             keep_ratio=True),
        dict(type='RandomFlip', prob=0.5),
        dict(type='PackDetInputs'),
    ]))
val_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=test_scale, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
]))
