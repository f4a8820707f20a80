# Box training and testing at BBAM's scale (BBAM_VOC_aug_FPN_R101_FasterRCNN.yaml): shorter
# side one of 480, 512, ..., 800 (longer at most 1333), flip; test at 800 / 1333; global batch
# 16; boxes from the split's `instances` json (annotations='instances': MMDetection's
# CocoDataset, bound by wsss_plugins/datasets/config.py), bbox mAP through CocoMetric.
# `scales=None` / `scale=None` take `train_scales` / `test_scale` (datasets/config.py).
test_scale = (1333, 800)
train_scales = [(1333, s) for s in range(480, 801, 32)]
det_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='RandomChoiceResize', scales=None, keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs'),
]
det_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=None, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PackDetInputs',
         meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape', 'scale_factor')),
]
train_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    batch_sampler=dict(type='AspectRatioBatchSampler'),
    dataset=dict(split='train_split', annotations='instances',
                 filter_cfg=dict(filter_empty_gt=True, min_size=1),
                 pipeline=det_train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(split='val_split', annotations='instances', test_mode=True,
                 pipeline=det_test_pipeline))
val_evaluator = dict(type='CocoMetric', metric='bbox', ann_file=None, format_only=False)
# Instance segmentation (Mask R-CNN configs: `train_dataloader = dict(dataset=
# {{_base_.ins_train_dataset}})`, `val_evaluator = {{_base_.ins_evaluators}}`): masks loaded
# with their ignore regions (LoadAnnotationsWithIgnore packs the th 0.2 region of
# BBAMInstanceDataset's `ignore_ann_file` into bit 1 for SeedGrowingMaskHead; without one,
# plain masks); box and mask AP through CocoMetric, mAP^r / ABO on the split's
# SegmentationObject through InstanceSegMetric.
ins_train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotationsWithIgnore', with_bbox=True, with_mask=True),
    dict(type='RandomChoiceResize', scales=None, keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs'),
]
ins_train_dataset = dict(type='BBAMInstanceDataset', ignore_ann_file=None,
                         pipeline=ins_train_pipeline)
ins_evaluators = [dict(type='CocoMetric', metric=['bbox', 'segm'], ann_file=None,
                       format_only=False),
                  dict(type='InstanceSegMetric', data_root=None, prediction_dir=None)]
