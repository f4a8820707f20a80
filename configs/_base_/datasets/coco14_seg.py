# Segmentation data: train on label maps from `train_dataloader.dataset.data_prefix.seg_map_path`
# (ground truth by default; point it at a pseudo-label directory), validate/test on ground
# truth at native resolution (no resize; batch 1), mIoU through mmseg's IoUMetric.
_base_ = './coco14.py'
crop_size = (481, 481)
seg_train_pipeline = [
    dict(type='LoadCheckedImage'),
    dict(type='LoadCheckedAnnotations'),
    # deeplab-pytorch resizes with OpenCV: bilinear images, nearest labels.
    dict(type='RandomRescale', ratio_range=(0.5, 2.0), interpolation='bilinear', backend='cv2'),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackWSSSInputs'),
]
test_pipeline = [
    dict(type='LoadCheckedImage'),
    dict(type='LoadCheckedAnnotations'),
    dict(type='PackWSSSInputs'),
]
train_dataloader = dict(
    batch_size=20,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type={{_base_.dataset_type}},
        data_root={{_base_.data_root}},
        ann_file='ImageSets/train2014.txt',
        data_prefix=dict(img_path='train2014', seg_map_path='SegmentationClass/train2014'),
        img_labels_from='cls_labels_train2014.json',
        pipeline=seg_train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type={{_base_.dataset_type}},
        data_root={{_base_.data_root}},
        ann_file='ImageSets/val2014.txt',
        data_prefix=dict(img_path='val2014', seg_map_path='SegmentationClass/val2014'),
        img_labels_from='cls_labels_val2014.json',
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
test_evaluator = val_evaluator
