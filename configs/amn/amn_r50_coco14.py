# AMN on COCO 2014 train (branch coco14 of gaviotas/AMN): Linear(80 -> 2048), ASPP -> 81,
# batch 16, crop 512, rescale (0.5, 1.5), flip, 5 epochs, no per-epoch evaluation. Trained on
# the CAM-stage IR labels in `ir_label_dir` (absolute, or relative to data_root; override as
# in amn_r50_voc.py).
#   python tools/train.py configs/amn_coco14.py   # = configs/amn/amn_r50_coco14.py
# Downstream for its seeds: evaluation 0.25, IR labels 0.45/0.15, RW cam^1.3 with bg 0.22
# (wsss_plugins.utils.protocols.PROTOCOLS['amn_coco']).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/coco14.py',
    '../_base_/tasks/affinity_512.py', '../_base_/models/amn_r50.py',
    '../_base_/schedules/amn_5ep.py'
]
# The COCO branch has no per-epoch evaluation (train_amn_coco.py).
train_cfg = dict(val_interval=100)
val_cfg = None
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', by_epoch=True, interval=1, max_keep_ckpts=1))
seed_generators = dict(amn=dict(ir_label_dir={{_base_.ir_label_dir}}))
