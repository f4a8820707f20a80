# IRN on VOC 2012 train_aug IR labels (tools/make_ir_labels.py output): crop 512, batch 32,
# 3 epochs, rescale (0.5, 1.5), flip (IRN step/train_irn.py, one GPU). Under torchrun the
# batch of 32 is split over the processes and the pair means stay over the global batch, as
# in one process (multi-GPU runs of the reference are reported to collapse, methods.md §1).
#   python tools/make_ir_labels.py configs/irn/irn_r50_voc.py --seeds SEEDS \
#       --out data/VOCdevkit/VOC2012/ir_label --preset irn
#   python tools/train.py configs/irn/irn_r50_voc.py
#   python tools/make_pseudo_labels.py configs/irn/irn_r50_voc.py \
#       work_dirs/irn_r50_voc/epoch_3.pth --seeds SEEDS --out PSEUDO_DIR
# `ir_label_dir` is relative to data_root (mmseg joins them); pass an absolute directory with
#   --cfg-options train_dataloader.dataset.data_prefix.seg_map_path=/abs/ir_label
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/voc12.py',
    '../_base_/tasks/affinity_512.py', '../_base_/models/irn_r50.py',
    '../_base_/schedules/irn_3ep.py'
]
train_dataloader = dict(batch_size=32)
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', by_epoch=True, interval=1, max_keep_ckpts=1))
