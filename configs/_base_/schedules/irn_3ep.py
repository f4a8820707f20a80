# IRN step/train_irn.py schedule: 3 epochs, SGD lr 0.1 (boundary branch) / 1.0 (displacement
# branch, 10x), weight decay 1e-4, poly decay with power 0.9 per iteration to 0.
# Momentum 1e-4: IRN's PolyOptimizer puts its weight decay in SGD's momentum slot (see
# cam_irn_5ep.py); the reference value is kept.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=1e-4, weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={'displacement_branch': dict(lr_mult=10.)}))
param_scheduler = [
    dict(type='PolyLR', power=0.9, eta_min=0., begin=0, end=3, by_epoch=True,
         convert_to_iter_based=True)
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=3, val_interval=3)
# IRN has no validation stage (its output is judged through the random-walk pseudo labels:
# tools/make_pseudo_labels.py reports their mIoU); the IR-label task has no val loader.
val_cfg = None
# After the last epoch, before its checkpoint: the mean displacement over the training split
# (top-left crops of test_cfg.pad_size, batch 32, no flip), stored as IRNet.displacement_mean
# and subtracted at inference (IRN's MeanShift; the instance pass reads it).
custom_hooks = [dict(type='DisplacementMeanHook', split='train_split', batch_size=32)]
# The reference batch (IRN, one process). train_dataloader.batch_size is the global
# batch: under torchrun each of N processes loads batch/N (engine/launch.py).
auto_scale_lr = dict(enable=False, base_batch_size=32)
