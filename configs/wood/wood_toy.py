# W-OoD on the context toy (configs/_base_/datasets/toy_context.py), CPU-sized: the toy CAM
# classifier (load_from) fine-tuned with the toy's OoD images.
_base_ = ['../cam/cam_toy.py']
data_root = '{{$WSSS_TOY_CONTEXT_ROOT:data/toy_context}}'
ood_list = 'ood/ood_list.txt'
ood_root = 'ood'
toy_variant = 'context'
model = dict(
    type='WOoDClassifier',
    num_ood_prototypes=50,
    data_preprocessor=dict(type='WOoDDataPreProcessor'),
    backbone=dict(frozen_stages=2))  # the reference trains stage 3, stage 4, the classifier
train_dataloader = dict(dataset=dict(
    _delete_=True, type='WithOoDDataset', dataset={{_base_.train_dataloader.dataset}},
    ood_list=None, ood_root=None))  # the dataset config's OoD images
custom_hooks = [dict(type='WOoDPrototypeHook', ood_long_side=160)]
optim_wrapper = dict(optimizer=dict(lr=1e-4))
param_scheduler = [
    dict(type='PolyLR', power=0.9, eta_min=0., begin=0, end=5, by_epoch=True,
         convert_to_iter_based=True)
]
train_cfg = dict(max_epochs=5)
