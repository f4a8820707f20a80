# BBAM's Faster R-CNN solver (maskrcnn-benchmark defaults + the BBAM VOC yaml): SGD lr 0.01,
# momentum 0.9, weight decay 1e-4, biases at 2x lr without decay, linear warmup over 500
# iterations from 1/3, x0.1 at 12k and 16k, 18k iterations, global batch 16.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4),
    paramwise_cfg=dict(bias_lr_mult=2., bias_decay_mult=0.))
param_scheduler = [
    dict(type='LinearLR', start_factor=1 / 3, by_epoch=False, begin=0, end=500),
    dict(type='MultiStepLR', by_epoch=False, begin=0, end=18000, milestones=[12000, 16000],
         gamma=0.1),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=18000, val_interval=18000)
val_cfg = dict(type='ValLoop')
auto_scale_lr = dict(enable=False, base_batch_size=16)
