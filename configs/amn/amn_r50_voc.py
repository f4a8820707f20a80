# AMN on VOC 2012 train_aug (methods.md 4): trained on the IR labels of the CAM stage
# (IRN conf 0.30/0.05; tools/make_ir_labels.py on the CAM seeds, or the PNGs the AMN authors
# publish) in `ir_label_dir` (absolute, or relative to data_root; default <data_root>/ir_label):
#   python tools/train.py configs/amn_voc.py      # = configs/amn/amn_r50_voc.py
# Elsewhere: edit `ir_label_dir` below, or override both places it is used:
#   --cfg-options train_dataloader.dataset.data_prefix.seg_map_path=DIR \
#       seed_generators.amn.ir_label_dir=DIR
# Seeds (bg channel kept; evaluate at 0.25, IR labels 0.45/0.15, RW cam^1.3):
#   python tools/make_seeds.py configs/amn/amn_r50_voc.py work_dirs/amn_r50_voc/epoch_5.pth \
#       --method amn --split train --out work_dirs/amn_r50_voc/seeds
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/voc12_seg.py',
    '../_base_/models/amn_r50.py', '../_base_/schedules/amn_5ep.py'
]
ir_label_dir = 'ir_label'
crop_size = (512, 512)
# VOC12SegmentationDataset(rescale=(0.5, 1.5), hor_flip=True, crop 512, crop_method='random')
amn_train_pipeline = [
    dict(type='LoadCheckedImage'),
    dict(type='LoadCheckedAnnotations'),
    dict(type='RandomRescale', ratio_range=(0.5, 1.5)),
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='PackWSSSInputs'),
]
train_dataloader = dict(
    batch_size=16,
    sampler=dict(_delete_=True, type='DefaultSampler', shuffle=True),
    drop_last=True,
    dataset=dict(data_prefix=dict(seg_map_path=ir_label_dir), pipeline=amn_train_pipeline))
# The reference evaluates the label-conditioned argmax on VOC train (1,464, GT) every epoch.
val_dataloader = dict(dataset=dict(ann_file='ImageSets/Segmentation/train.txt'))
test_dataloader = val_dataloader
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', by_epoch=True, interval=1, max_keep_ckpts=1))
seed_generators = dict(amn=dict(ir_label_dir=ir_label_dir, data_root={{_base_.data_root}}))
