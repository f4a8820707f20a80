# Toy DeepLab-v2 on data/toy_voc ground truth (python tools/make_toy_dataset.py --out
# data/toy_voc): the R101 recipe's segmentor, head, MSC training and max-fused
# multi-scale + flip testing, on a ResNet-18 of width 16 trained from scratch (trainable BN:
# there are no pretrained statistics to freeze), crop 128, a few CPU minutes.
#   python tools/train.py configs/deeplabv2/deeplabv2_toy.py
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/toy_voc.py',
    '../_base_/tasks/seg_toy.py', '../_base_/models/deeplabv2_r101.py',
    '../_base_/schedules/deeplabv2_30k.py'
]
max_iters = 100
model = dict(
    data_preprocessor=dict(size={{_base_.crop_size}}),
    backbone=dict(depth=18, base_channels=16, stem_channels=16,
                  norm_cfg=dict(type='BN', requires_grad=True), norm_eval=False,
                  init_cfg=None),
    decode_head=dict(in_channels=128))
# From scratch in a few hundred iterations SGD learns background only (lr 0.01: toy val
# mIoU 18 after 200 iterations; lr 0.05 diverges); Adam learns the classes. The
# deeplab-pytorch lr multipliers of the head (x10, bias x20 without decay) are kept.
optim_wrapper = dict(optimizer=dict(_delete_=True, type='Adam', lr=1e-3, weight_decay=1e-4))
param_scheduler = [
    dict(type='PolyLR', eta_min=0.0, power=0.9, begin=0, end=max_iters, by_epoch=False),
]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(logger=dict(interval=20), checkpoint=dict(interval=max_iters))
