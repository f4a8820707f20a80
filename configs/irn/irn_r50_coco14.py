# IRN on COCO 2014 train IR labels (AMN/RIB coco14 branches keep IRN's settings):
# crop 512, batch 32, 3 epochs, rescale (0.5, 1.5), flip.
#   python tools/make_ir_labels.py SEEDS --config configs/irn/irn_r50_coco14.py \
#       --split train --out data/coco14/ir_label --preset amn
#   python tools/train.py configs/irn/irn_r50_coco14.py
#   python tools/make_pseudo_labels.py SEEDS configs/irn/irn_r50_coco14.py \
#       work_dirs/irn_r50_coco14/epoch_3.pth --split train --out PSEUDO_DIR --preset amn_coco
# COCO images reach 640 px: inference pads to at least 512 (images larger are not padded),
# and the default sparse random walk keeps memory bounded (dense: 2.6 GB per matrix).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/coco14_seg.py',
    '../_base_/models/irn_r50.py', '../_base_/schedules/irn_3ep.py'
]
ir_label_dir = 'ir_label'
irn_train_pipeline = [
    dict(type='LoadCheckedImage'),
    dict(type='LoadCheckedAnnotations'),
    dict(type='RandomRescale', ratio_range=(0.5, 1.5)),
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomCrop', crop_size=(512, 512)),
    dict(type='PackWSSSInputs'),
]
train_dataloader = dict(
    batch_size=32,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        ann_file='ImageSets/train2014.txt',
        data_prefix=dict(img_path='train2014', seg_map_path=ir_label_dir),
        pipeline=irn_train_pipeline))
# No validation/test stage (see schedules/irn_3ep.py); checkpoint once per epoch.
val_dataloader = None
val_evaluator = None
test_dataloader = None
test_evaluator = None
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', by_epoch=True, interval=1, max_keep_ckpts=1))
