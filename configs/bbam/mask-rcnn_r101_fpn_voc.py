# BBAM's Mask R-CNN: R-101-FPN on the BBAM pseudo instances of VOC 2012 train_aug
# (tools/make_bbam_labels.py: instances_th0.85.json, ignore regions instances_th0.2.json),
# seed-growing mask loss, BBAM's VOC settings (wave2.md §1.7): shorter side 416-512 (longer
# at most 800), test 512 / 800, RPN anchors 21/42/84/168/332, lr 0.008, 20k iterations, step
# 16k, batch 8. Scored by mAP^r (SDS protocol, also chainercv and COCO-style) and ABO on VOC
# val SegmentationObject, and COCO box / mask AP.
#   python tools/train.py configs/bbam/mask-rcnn_r101_fpn_voc.py --cfg-options \
#       train_dataloader.dataset.ann_file=$PWD/work_dirs/voc/bbam_labels/instances_th0.85.json \
#       train_dataloader.dataset.ignore_ann_file=$PWD/work_dirs/voc/bbam_labels/instances_th0.2.json
# The plain MMDetection mask loss (the ablation): model.roi_head.mask_head.seed_growing=False.
_base_ = [
    'mmdet::_base_/models/mask-rcnn_r50_fpn.py', '../_base_/det_runtime.py',
    '../_base_/datasets/voc12.py', '../_base_/tasks/det_1333.py',
    '../_base_/schedules/bbam_mrcnn_20k.py'
]
test_scale = (800, 512)
train_scales = [(800, s) for s in range(416, 513, 24)]
model = dict(
    backbone=dict(depth=101, init_cfg=dict(type='Pretrained',
                                           checkpoint='torchvision://resnet101')),
    rpn_head=dict(anchor_generator=dict(scales=[1], base_sizes=[21, 42, 84, 168, 332])),
    roi_head=dict(bbox_head=dict(num_classes=None),
                  mask_head=dict(type='SeedGrowingMaskHead', num_classes=None,
                                 seed_growing=True)))
train_dataloader = dict(batch_size=8, dataset={{_base_.ins_train_dataset}})
val_evaluator = {{_base_.ins_evaluators}}
default_hooks = dict(checkpoint=dict(interval=4000))  # the reference's
