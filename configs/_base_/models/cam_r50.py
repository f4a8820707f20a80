# IRN CAM classifier (net/resnet50_cam.py): ResNet-50 at output stride 16 (conv1 stride 2 +
# maxpool + strides (1,2,2,1) = IRN's (2,2,2,1)), every BN on running statistics
# (FixedBatchNorm = norm_eval), conv1/bn1/layer1/layer2 frozen (IRN detaches the output of
# stage2; AdvCAM's fork trains them: frozen_stages=0), bias-free 1x1 classifier.
model = dict(
    type='CAMClassifier',
    num_classes=None,  # the dataset's foreground classes (datasets/config.py)
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
        frozen_stages=2,
        init_cfg=dict(type='Pretrained',
                      checkpoint='https://download.pytorch.org/models/resnet50-19c8e357.pth')))
