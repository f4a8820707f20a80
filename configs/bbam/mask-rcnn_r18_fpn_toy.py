# A CPU-sized Mask R-CNN for the toy set: the toy Faster R-CNN (faster-rcnn_r18_fpn_toy.py)
# with a mask head of 64 channels (MMDetection: 4 convs of 256), the seed-growing loss, 150
# iterations (0.9 s each on 2 cores; on the toy BBAM instances val SDS mAP^r@0.75 88.3, 94.0
# with 300); the toy pipeline starts it from the toy detector's weights (`load_from`).
_base_ = ['./faster-rcnn_r18_fpn_toy.py']
max_iters = 150
model = dict(
    type='MaskRCNN',
    roi_head=dict(
        mask_roi_extractor=dict(type='SingleRoIExtractor',
                                roi_layer=dict(type='RoIAlign', output_size=14,
                                               sampling_ratio=0),
                                out_channels=64, featmap_strides=[4, 8, 16, 32]),
        mask_head=dict(type='SeedGrowingMaskHead', num_convs=4, in_channels=64,
                       conv_out_channels=64, num_classes=None, seed_growing=True,
                       loss_mask=dict(type='CrossEntropyLoss', use_mask=True,
                                      loss_weight=1.0))),
    train_cfg=dict(rcnn=dict(mask_size=28)),
    test_cfg=dict(rcnn=dict(mask_thr_binary=0.5)))
train_dataloader = dict(dataset={{_base_.ins_train_dataset}})
val_evaluator = {{_base_.ins_evaluators}}
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=50),
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=max_iters,
         milestones=[int(0.8 * max_iters)], gamma=0.1),
]
train_cfg = dict(max_iters=max_iters, val_interval=max_iters)
default_hooks = dict(checkpoint=dict(interval=max_iters))
