# ACR (models/classifiers/acr.py; wave2.md §3.1): classifier and reconstructor, both a
# ResNet-38d from the ImageNet weights (dropout 0.2/0.2, every BN frozen, nothing else
# frozen), the CAM head 4096→256→C, the 448-channel feature and the 8-halving U-Net.
_base_ = ['./resnet38d.py']
model = dict(
    type='ACR',
    num_classes=None,  # the dataset's foreground classes (datasets/config.py)
    backbone=dict(_base_.resnet38d_backbone, dropouts=(0.2, 0.2), out_indices=(0, 1, 2),
                  frozen_stages=-1),
    cam_channels=256,
    recon_channels=(64, 128, 256),
    decoder=dict(num_downs=8, base_channels=64),
    ru_weights=(1.0, 0.2, 0.3, 0.5),  # official --W 1 0.2 + hard-coded 0.3 / 0.5
    cu_weights=(1.0, 0.8, 0.3),  # official --W ... 0.8 0.3
    remnant_cells=(16, 24),  # SRF s ~ U[16, 24] (seed document §A.2); official code: 16
    keep_prob=0.8,
    keep_prob_step=0.01,
    min_kept=50,
    data_preprocessor=dict(
        type='SegDataPreProcessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_val=0,  # the official random_crop pads the normalised image with 0
        seg_pad_val=255,
        size=(256, 256)))
