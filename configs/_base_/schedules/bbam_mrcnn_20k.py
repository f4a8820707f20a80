# BBAM's Mask R-CNN solver (BBAM_VOC_aug_FPN_R101_MaskRCNN.yaml + maskrcnn-benchmark
# defaults): SGD lr 0.008 at batch 8, momentum 0.9, weight decay 1e-4, linear warmup over 500
# iterations from 1/3, x0.1 at 16k, 20k iterations (the reference runs 20,005).
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='SGD', lr=0.008, momentum=0.9, weight_decay=1e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=1 / 3, by_epoch=False, begin=0, end=500),
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=20000, milestones=[16000],
         gamma=0.1),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=20000, val_interval=20000)
val_cfg = dict(type='ValLoop')
auto_scale_lr = dict(enable=False, base_batch_size=8)
