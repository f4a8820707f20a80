# IRN on VOC 2012 train_aug IR labels (tools/make_ir_labels.py output): crop 512, batch 32,
# 3 epochs, rescale (0.5, 1.5), flip (IRN step/train_irn.py, one GPU). Under torchrun the
# batch of 32 is split over the processes and the pair means stay over the global batch, as
# in one process (multi-GPU runs of the reference are reported to collapse, methods.md §1).
#   python tools/make_ir_labels.py SEEDS --config configs/irn/irn_r50_voc.py \
#       --split train_aug --out data/VOCdevkit/VOC2012/ir_label --preset irn
#   python tools/train.py configs/irn/irn_r50_voc.py
#   python tools/make_pseudo_labels.py SEEDS configs/irn/irn_r50_voc.py \
#       work_dirs/irn_r50_voc/epoch_3.pth --split train_aug --out PSEUDO_DIR
# `ir_label_dir` is relative to data_root (mmseg joins them); pass an absolute directory with
#   --cfg-options train_dataloader.dataset.data_prefix.seg_map_path=/abs/ir_label
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/voc12_seg.py',
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
    drop_last=True,  # IRN: max_step = len // batch * epochs
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        ann_file='ImageSets/Segmentation/train_aug.txt',
        data_prefix=dict(img_path='JPEGImages', seg_map_path=ir_label_dir),
        pipeline=irn_train_pipeline))
# No validation/test stage (see schedules/irn_3ep.py); checkpoint once per epoch.
val_dataloader = None
val_evaluator = None
test_dataloader = None
test_evaluator = None
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', by_epoch=True, interval=1, max_keep_ckpts=1))
