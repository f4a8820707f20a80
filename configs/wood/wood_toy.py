# W-OoD on the context toy (configs/_base_/datasets/toy_context.py), CPU-sized: the toy CAM
# classifier (load_from) fine-tuned 5 epochs with the toy's 150 OoD images; only stage 3,
# stage 4 and the classifier train, as the reference (the toy CAM trains every stage from
# scratch). Adam at 1e-4 (the toy CAM's optimiser at a tenth of its rate), OoD images at
# their size (long side 160; the reference's 500 is VOC's).
_base_ = ['../cam/cam_toy.py', '../_base_/wood.py']
data_root = '{{$WSSS_TOY_CONTEXT_ROOT:data/toy_context}}'
ood_list = 'ood/ood_list.txt'
ood_root = 'ood'
toy_variant = 'context'
model = {{_base_.wood_model}}
train_dataloader = dict(dataset=dict(
    _delete_=True, type='WithOoDDataset', dataset={{_base_.train_dataloader.dataset}},
    ood_list=None, ood_root=None))  # None: the dataset config's OoD images
custom_hooks = [dict(type='WOoDPrototypeHook', ood_long_side=160)]
optim_wrapper = dict(optimizer=dict(lr=1e-4))
param_scheduler = [
    dict(type='PolyLR', power=0.9, eta_min=0., begin=0, end=5, by_epoch=True,
         convert_to_iter_based=True)
]
train_cfg = dict(max_epochs=5)
