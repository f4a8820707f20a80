# ResNet-38d (PSA/SEAM/ACR, models/backbones/resnet38d.py) in place of a config's backbone:
#   _base_ = [..., '../_base_/models/resnet38d.py']
#   model = dict(backbone={{_base_.resnet38d}}, in_channels=None)
# Its ImageNet weights (the MXNet ilsvrc-cls_rna-a1_cls1000_ep-0001.params, user-supplied):
#   python tools/convert_checkpoint.py --src resnet38d ilsvrc-cls_rna-a1_cls1000_ep-0001.params \
#       data/pretrained/resnet38d.pth
# Every BN on running statistics with frozen affine parameters (the references' train()
# override); PSA's classifier freezes conv1a + b2* (frozen_stages=1), ACR nothing.
resnet38d_backbone = dict(
    type='ResNet38d',
    dropouts=(0.3, 0.5),  # PSA/SEAM; ACR 0.2/0.2
    out_indices=(2, ),  # conv6 (4096 channels, stride 8)
    norm_eval=True,
    frozen_stages=1,
    init_cfg=dict(type='Pretrained', checkpoint='data/pretrained/resnet38d.pth'))
resnet38d = dict(resnet38d_backbone, _delete_=True)  # replaces the base config's backbone
# W-OoD trains the last stages only (ResNet-50: layer3/4): here b5-b7, the dilated part.
resnet38d_last_stages = dict(resnet38d, frozen_stages=3)
# CPU toy: 1/8 width (8 … 512 channels), from scratch (BN trains, nothing frozen).
resnet38d_toy = dict(resnet38d, widen_factor=0.125, norm_eval=False, frozen_stages=-1,
                     init_cfg=None)
