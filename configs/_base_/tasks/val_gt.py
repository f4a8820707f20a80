# Validation/test on the dataset's val_split ground truth at native resolution (no resize,
# batch 1), mIoU through mmseg's IoUMetric. test_dataloader follows val_dataloader unless a
# config sets it (wsss_plugins.datasets.config.resolve_dataset).
test_pipeline = [
    dict(type='LoadCheckedImage'),
    dict(type='LoadCheckedAnnotations'),
    dict(type='PackWSSSInputs'),
]
val_dataloader = dict(
    batch_size=1,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(split='val_split', pipeline=test_pipeline))
val_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
