# AMN on VOC 2012 train_aug (methods.md 4): trained on the IR labels of the CAM stage
# (IRN conf 0.30/0.05; tools/make_ir_labels.py on the CAM seeds, or the PNGs the AMN authors
# publish) in `ir_label_dir` (absolute, or relative to data_root; default <data_root>/ir_label):
#   python tools/train.py configs/amn_voc.py      # = configs/amn/amn_r50_voc.py
# Elsewhere: override both places `ir_label_dir` is used:
#   --cfg-options train_dataloader.dataset.data_prefix.seg_map_path=DIR \
#       seed_generators.amn.ir_label_dir=DIR
# Seeds (bg channel kept; evaluate at 0.25, IR labels 0.45/0.15, RW cam^1.3):
#   python tools/make_seeds.py configs/amn/amn_r50_voc.py work_dirs/amn_r50_voc/epoch_5.pth \
#       --method amn --out work_dirs/amn_r50_voc/seeds
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/voc12.py',
    '../_base_/tasks/affinity_512.py', '../_base_/tasks/val_gt.py',
    '../_base_/models/amn_r50.py', '../_base_/schedules/amn_5ep.py'
]
# The reference evaluates the label-conditioned argmax on VOC train (1,464, GT) every epoch:
# the dataset's eval_split.
val_dataloader = dict(dataset=dict(split='eval_split'))
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', by_epoch=True, interval=1, max_keep_ckpts=1))
seed_generators = dict(amn=dict(ir_label_dir={{_base_.ir_label_dir}}))
