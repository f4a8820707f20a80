# ACR on COCO 2014 train (seed document §A.3): 3 epochs, lr 0.005, batch 8, the loss weights
# lambda_t/nt^RU = 0.2/0.2 and lambda_t/nt^CU = 0.3/0.2. The document gives no schedule
# shape for COCO: poly over the 3 epochs.
_base_ = [
    '../_base_/datasets/coco14.py', '../_base_/tasks/cls_256.py',
    '../_base_/models/acr_wr38.py', '../_base_/schedules/acr_100ep.py'
]
model = dict(ru_weights=(1.0, 0.2, 0.2, 0.2), cu_weights=(1.0, 0.3, 0.2))
_lr = dict(optimizer=dict(lr=0.005))
optim_wrapper = dict(classifier=_lr, reconstructor=_lr)
param_scheduler = [
    dict(type='PolyOptimizerLR', power=0.9, eta_min=0., begin=0, end=3, by_epoch=True,
         convert_to_iter_based=True)
]
train_cfg = dict(max_epochs=3, val_interval=3)
seed_generators = dict(acr=dict(scales=(1.0, 0.5, 1.5, 2.0)))
