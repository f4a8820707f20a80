# Fully supervised upper bound: DeepLab-v2 R101 on VOC train_aug ground truth
# (SegmentationClassAug), evaluated on VOC val at native resolution.
#   python tools/train.py configs/deeplabv2/deeplabv2_r101_voc_gt.py
#   python tools/test.py configs/deeplabv2/deeplabv2_r101_voc_gt.py CKPT [--out PRED_DIR]
#       [--cfg-options model.test_cfg.crf=True]
# Batch 10 is the global batch: on N GPUs (torchrun) each process loads 10/N.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/voc12.py',
    '../_base_/tasks/seg_321.py', '../_base_/models/deeplabv2_r101.py',
    '../_base_/schedules/deeplabv2_30k.py'
]
model = dict(data_preprocessor=dict(size={{_base_.crop_size}}))
default_hooks = dict(checkpoint=dict(interval=5000))
