# AMN step/train_amn.py schedule: Adam, lr 5e-6 for the backbone and 1e-4 for the ASPP and the
# label encoder(s), weight decay 1e-4 on both groups (Adam's L2 form, as torch.optim.Adam),
# constant learning rate (no scheduler), 5 epochs.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='Adam', lr=1e-4, weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={'backbone': dict(lr_mult=0.05)}))
param_scheduler = []
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=5, val_interval=1)
val_cfg = dict(type='ValLoop')  # test_cfg follows (datasets/config.py resolve_dataset)
# The reference batch (AMN, one process). train_dataloader.batch_size is the global
# batch: under torchrun each of N processes loads batch/N (engine/launch.py).
auto_scale_lr = dict(enable=False, base_batch_size=16)
