# Fully supervised upper bound on COCO 2014 (81 classes): crop 481, global batch 20 (split
# over the processes under torchrun), otherwise the VOC recipe.
#   python tools/train.py configs/deeplabv2/deeplabv2_r101_coco14_gt.py
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/coco14.py',
    '../_base_/tasks/seg_481.py', '../_base_/models/deeplabv2_r101.py',
    '../_base_/schedules/deeplabv2_30k.py'
]
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}))
default_hooks = dict(checkpoint=dict(interval=5000))
auto_scale_lr = dict(base_batch_size=20)
