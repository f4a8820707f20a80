# IRN on COCO 2014 train IR labels (AMN/RIB coco14 branches keep IRN's settings):
# crop 512, batch 32, 3 epochs, rescale (0.5, 1.5), flip.
#   python tools/make_ir_labels.py configs/irn/irn_r50_coco14.py --seeds SEEDS \
#       --out data/coco14/ir_label --preset amn
#   python tools/train.py configs/irn/irn_r50_coco14.py
#   python tools/make_pseudo_labels.py configs/irn/irn_r50_coco14.py \
#       work_dirs/irn_r50_coco14/epoch_3.pth --seeds SEEDS --out PSEUDO_DIR --preset amn_coco
# COCO images reach 640 px: inference pads to at least 512 (images larger are not padded),
# and the default sparse random walk keeps memory bounded (dense: 2.6 GB per matrix).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/coco14.py',
    '../_base_/tasks/affinity_512.py', '../_base_/models/irn_r50.py',
    '../_base_/schedules/irn_3ep.py'
]
train_dataloader = dict(batch_size=32)
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', by_epoch=True, interval=1, max_keep_ckpts=1))
