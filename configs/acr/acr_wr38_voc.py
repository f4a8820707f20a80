# ACR (Kweon et al., CVPR 2023) on VOC 2012 train_aug: classifier vs reconstructor on
# ResNet-38d (ImageNet weights: configs/_base_/models/resnet38d.py), batch 8, crop 256,
# 100 epochs with the official 40-epoch poly.
#   python tools/train.py configs/acr/acr_wr38_voc.py
#   python tools/make_seeds.py configs/acr/acr_wr38_voc.py CKPT --method acr --out seeds/
_base_ = [
    '../_base_/datasets/voc12.py', '../_base_/tasks/cls_256.py',
    '../_base_/models/acr_wr38.py', '../_base_/schedules/acr_100ep.py'
]
# ACR seeds: scales 0.5/1.0/1.5/2.0 + flip, ReLU'd and summed, min-max normalised.
seed_generators = dict(acr=dict(scales=(1.0, 0.5, 1.5, 2.0)))
