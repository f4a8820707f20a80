# AMN on the synthetic toy set (CPU minutes): ResNet-18 at width 16, crop 128, batch 8, trained
# on the toy CAM stage's IR labels (train_aug, as VOC). No ImageNet weights exist at this
# size; the stand-in is the toy CAM classifier's backbone (non-strict load, as irn_toy.py):
#   python tools/train.py configs/amn/amn_toy.py --cfg-options load_from=CAM.pth \
#       train_dataloader.dataset.data_prefix.seg_map_path=IR_DIR
#   python tools/make_seeds.py configs/amn/amn_toy.py AMN.pth --method amn --split train \
#       --out SEEDS --cfg-options seed_generators.amn.ir_label_dir=IR_DIR
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/toy_voc.py',
    '../_base_/tasks/affinity_toy.py', '../_base_/tasks/val_gt.py',
    '../_base_/models/amn_r50.py', '../_base_/schedules/amn_5ep.py'
]
model = dict(
    data_preprocessor=dict(size={{_base_.crop_size}}),
    backbone=dict(depth=18, base_channels=16, stem_channels=16, init_cfg=None),
    # PCL smoothing: the reference eps 0.4 over VOC's 21 channels gives each absent class
    # 0.4/20 = 0.02; over the toy's 5 channels it would give 0.1, a probability every
    # background pixel then keeps, so the seeds flood at thresholds <= 0.1 (measured: toy
    # seed mIoU 19.0 at 0.10 vs 60.0 at 0.35). eps 0.08 keeps VOC's 0.02 per absent class.
    decode_head=dict(in_channels=128, loss_decode=dict(eps=0.08)))
train_dataloader = dict(num_workers=0, persistent_workers=False)
val_dataloader = dict(num_workers=0, persistent_workers=False,
                      dataset=dict(split='eval_split'))
default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', by_epoch=True, interval=1, max_keep_ckpts=1),
    logger=dict(interval=10))
# Toy schedule: the reference's 5 epochs at lr 1e-4 are ~190 iterations here, too few for
# the head to leave a uniform softmax; 8 epochs at 10x the learning rate (backbone x0.1).
optim_wrapper = dict(optimizer=dict(lr=1e-3),
                     paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.1)}))
train_cfg = dict(max_epochs=8, val_interval=8)
# Seed scales without 2.0, as configs/cam/cam_toy.py.
seed_generators = dict(amn=dict(ir_label_dir={{_base_.ir_label_dir}}, scales=(1.0, 0.5, 1.5)))
