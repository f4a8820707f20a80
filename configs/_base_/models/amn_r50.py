# AMN (net/resnet50_amn.py, methods.md 4.2): IRN ResNet-50 at output stride 16 (conv1 stride 2
# + maxpool + strides (1,2,2,1)), every BN on running statistics (FixedBatchNorm = norm_eval),
# only conv1/bn1 frozen (frozen_stages=0), label conditioning after layer4 (Linear(20, 2048)
# on the image multi-hot, no activation), Dropout(0.1), DeepLab-v2 ASPP (4 dilated 3x3 convs
# 6/12/18/24, summed, N(0, 0.01) init) to 21 logits, PCL loss (eps 0.4) on the IR labels.
# LC position ablation (paper Table 2): model.lc_stages=('layer3',) / ('layer3', 'layer4') ...
model = dict(
    type='AMN',
    num_fg_classes=None,  # the dataset's foreground classes (datasets/config.py)
    lc_stages=('layer4', ),
    dropout_ratio=0.1,
    # The reference's eval() leaves dropout on (random seeds); True reproduces it.
    dropout_at_inference=False,
    data_preprocessor=dict(
        type='SegDataPreProcessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_val=0,  # IRN pads the normalised crop with 0 (= the mean colour)
        seg_pad_val=255,
        size=(512, 512)),
    backbone=dict(
        type='ResNet',
        depth=50,
        style='pytorch',
        strides=(1, 2, 2, 1),
        dilations=(1, 1, 1, 1),
        out_indices=(3, ),
        contract_dilation=False,
        norm_cfg=dict(type='BN', requires_grad=True),
        norm_eval=True,
        frozen_stages=0,
        init_cfg=dict(type='Pretrained',
                      checkpoint='https://download.pytorch.org/models/resnet50-19c8e357.pth')),
    decode_head=dict(
        type='DeepLabV2Head',
        in_channels=2048,
        dilations=(6, 12, 18, 24),
        num_classes=None,  # foreground + background, from the dataset
        align_corners=False,
        loss_decode=dict(type='PCLLoss', eps=0.4)))
