# IRN on the toy set (CPU, ~1-2 min): ResNet-18 at width 16, crop 128, batch 8.
#   python tools/make_ir_labels.py SEEDS --config configs/irn/irn_toy.py --split train \
#       --out data/toy_voc/ir_label
#   python tools/train.py configs/irn/irn_toy.py
#   python tools/make_pseudo_labels.py SEEDS configs/irn/irn_toy.py \
#       work_dirs/irn_toy/epoch_5.pth --split train --out PSEUDO_DIR
# No ImageNet weights exist for this backbone. IRN freezes an ImageNet backbone; the toy
# stand-in is the toy CAM classifier's backbone (what the e2e test does): its `backbone.*`
# keys load into IRNet's frozen backbone, the classifier key is skipped (non-strict load):
#   python tools/train.py configs/irn/irn_toy.py --cfg-options load_from=CAM.pth
# (random frozen features also train, less well).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/toy_voc_seg.py',
    '../_base_/models/irn_r50.py', '../_base_/schedules/irn_3ep.py'
]
ir_label_dir = 'ir_label'
model = dict(
    data_preprocessor=dict(size=(128, 128)),
    backbone=dict(depth=18, base_channels=16, stem_channels=16, init_cfg=None),
    in_channels=(16, 16, 32, 64, 128),
    # IRN pads every image to 512 >= all VOC sizes; toy images reach 128x160.
    test_cfg=dict(pad_size=(160, 160)))
irn_train_pipeline = [
    dict(type='LoadCheckedImage'),
    dict(type='LoadCheckedAnnotations'),
    dict(type='RandomRescale', ratio_range=(0.5, 1.5)),
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomCrop', crop_size=(128, 128)),
    dict(type='PackWSSSInputs'),
]
train_dataloader = dict(
    batch_size=8,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        ann_file='ImageSets/Segmentation/train.txt',
        data_prefix=dict(img_path='JPEGImages', seg_map_path=ir_label_dir),
        pipeline=irn_train_pipeline))
param_scheduler = [
    dict(type='PolyLR', power=0.9, eta_min=0., begin=0, end=5, by_epoch=True,
         convert_to_iter_based=True)
]
train_cfg = dict(max_epochs=5, val_interval=5)
# No validation/test stage (see schedules/irn_3ep.py); checkpoint once per epoch.
val_dataloader = None
val_evaluator = None
test_dataloader = None
test_evaluator = None
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', by_epoch=True, interval=1, max_keep_ckpts=1),
    logger=dict(interval=10))
