# A CPU-sized Faster R-CNN for the toy set: ResNet-18 at width 16 trained from scratch
# (trainable BN: there are no pretrained statistics), FPN 64 channels, the toy images at their
# size (configs/_base_/tasks/det_toy.py), Adam. BBAM on it: 60 iterations instead of 300 and
# at most 30 positive proposals instead of 100 (measured on the toy val boxes: mean instance
# IoU 0.880 with either, 2.3x faster); the labels also score the box-CRF baseline.
_base_ = [
    'mmdet::_base_/models/faster-rcnn_r50_fpn.py', '../_base_/det_runtime.py',
    '../_base_/datasets/toy_voc.py', '../_base_/tasks/det_toy.py',
    '../_base_/schedules/bbam_frcnn_18k.py', '../_base_/bbam.py'
]
max_iters = 600
model = dict(
    backbone=dict(depth=18, base_channels=16, stem_channels=16, frozen_stages=-1,
                  norm_cfg=dict(type='BN', requires_grad=True), norm_eval=False, init_cfg=None),
    neck=dict(in_channels=[16, 32, 64, 128], out_channels=64),
    rpn_head=dict(in_channels=64, feat_channels=64),
    roi_head=dict(bbox_roi_extractor=dict(out_channels=64),
                  bbox_head=dict(in_channels=64, fc_out_channels=256, num_classes=None)),
    # 1-2 objects per toy image: a few hundred proposals and 128 sampled RoIs (MMDetection:
    # 2000 / 1000 and 512) keep the CPU iteration short.
    train_cfg=dict(rpn_proposal=dict(nms_pre=500, max_per_img=300),
                   rcnn=dict(sampler=dict(num=128))),
    test_cfg=dict(rpn=dict(nms_pre=300, max_per_img=300)))
optim_wrapper = dict(optimizer=dict(_delete_=True, type='Adam', lr=1e-3, weight_decay=1e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=50),
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=max_iters,
         milestones=[int(0.8 * max_iters)], gamma=0.1),
]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters), logger=dict(interval=20))
bbam = dict(iterations=60, max_positives=30)
bbam_labels = dict(box_crf_baseline=True)
