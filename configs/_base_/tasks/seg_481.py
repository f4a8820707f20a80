# Segmentation training on COCO (the WSSS papers' COCO DeepLab-v2): crop 481, global batch 20,
# otherwise tasks/seg_321.py.
_base_ = './seg_321.py'
crop_size = (481, 481)
train_dataloader = dict(
    batch_size=20,
    dataset=dict(pipeline=[
        dict(type='LoadCheckedImage'),
        dict(type='LoadCheckedAnnotations'),
        dict(type='RandomRescale', ratio_range=(0.5, 2.0), interpolation='bilinear',
             backend='cv2'),
        dict(type='RandomCrop', crop_size=crop_size),
        dict(type='RandomFlip', prob=0.5),
        dict(type='PackWSSSInputs'),
    ]))
