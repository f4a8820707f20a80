# Mask R-CNN R-50-FPN on COCO 2014 pseudo instances (e.g. BBAM's on train2014) with
# MMDetection's standard 1x schedule (12 epochs, SGD lr 0.02 at batch 16, steps 8 / 11,
# shorter side 800); COCO box and mask AP on val2014 (CocoMetric: COCO has no
# SegmentationObject for mAP^r).
#   python tools/train.py configs/bbam/mask-rcnn_r50_fpn_coco14.py --cfg-options \
#       train_dataloader.dataset.ann_file=$PWD/work_dirs/coco14/bbam_labels/instances_th0.85.json \
#       train_dataloader.dataset.ignore_ann_file=$PWD/work_dirs/coco14/bbam_labels/instances_th0.2.json
_base_ = [
    'mmdet::_base_/models/mask-rcnn_r50_fpn.py', '../_base_/det_runtime.py',
    '../_base_/datasets/coco14.py', '../_base_/tasks/det_1333.py',
    'mmdet::_base_/schedules/schedule_1x.py'
]
train_scales = [(1333, 800)]
model = dict(roi_head=dict(bbox_head=dict(num_classes=None),
                           mask_head=dict(type='SeedGrowingMaskHead', num_classes=None,
                                          seed_growing=True)))
train_dataloader = dict(sampler=dict(type='DefaultSampler', shuffle=True),
                        dataset={{_base_.ins_train_dataset}})
val_evaluator = dict(type='CocoMetric', metric=['bbox', 'segm'], ann_file=None,
                     format_only=False)
default_hooks = dict(checkpoint=dict(by_epoch=True, interval=1))
