# IRN (net/resnet50_irn.py): boundary + displacement branches on a frozen ImageNet ResNet-50
# (strides (1,2,2,1); IRN detaches every stage, IRNet freezes the whole backbone).
# Training pads crops to 512 (0 after normalisation = the mean colour, like IRN's crop) and
# labels with 255; inference pads the image to 512 as IRN's EdgeDisplacement does.
model = dict(
    type='IRNet',
    data_preprocessor=dict(
        type='SegDataPreProcessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_val=0,
        seg_pad_val=255,
        size=(512, 512)),
    backbone=dict(
        type='ResNet',
        depth=50,
        style='pytorch',
        strides=(1, 2, 2, 1),
        dilations=(1, 1, 1, 1),
        out_indices=(0, 1, 2, 3),
        contract_dilation=False,
        norm_cfg=dict(type='BN', requires_grad=True),
        norm_eval=True,
        frozen_stages=4,
        init_cfg=dict(type='Pretrained',
                      checkpoint='https://download.pytorch.org/models/resnet50-19c8e357.pth')),
    in_channels=(64, 256, 512, 1024, 2048),
    loss=dict(type='AffinityDisplacementLoss', radius=10),
    test_cfg=dict(pad_size=(512, 512)))
