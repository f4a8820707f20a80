# deeplab-pytorch solver as the WSSS papers ran it (AdvCAM issue #9: batch 10, 30k
# iterations): SGD lr 2.5e-4, momentum 0.9, weight decay 5e-4; ASPP weights x10 lr, ASPP
# biases x20 lr without weight decay (main.py get_params 1x/10x/20x); poly 0.9 per iteration.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=2.5e-4, momentum=0.9, weight_decay=5e-4),
    paramwise_cfg=dict(custom_keys={
        'decode_head': dict(lr_mult=10.0),
        'decode_head.convs.0.bias': dict(lr_mult=20.0, decay_mult=0.0),
        'decode_head.convs.1.bias': dict(lr_mult=20.0, decay_mult=0.0),
        'decode_head.convs.2.bias': dict(lr_mult=20.0, decay_mult=0.0),
        'decode_head.convs.3.bias': dict(lr_mult=20.0, decay_mult=0.0),
    }))
param_scheduler = [
    dict(type='PolyLR', eta_min=0.0, power=0.9, begin=0, end=30000, by_epoch=False),
]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=30000, val_interval=30000)
val_cfg = dict(type='ValLoop')  # test_cfg follows (datasets/config.py resolve_dataset)
# The reference batch (deeplab-pytorch, one process). train_dataloader.batch_size is the global
# batch: under torchrun each of N processes loads batch/N (engine/launch.py).
auto_scale_lr = dict(enable=False, base_batch_size=10)
