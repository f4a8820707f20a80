# DeepLab-v2 ResNet-101 as deeplab-pytorch trains it for the WSSS papers (methods.md 2.1,
# ecosystem.md A.7): caffe ResNet-101, output stride 8 (strides 1,2,1,1 + dilations
# 1,1,2,4, no dilation contraction), frozen BN, caffe max-pool rounding, summed 4-branch
# ASPP classifier, MSC training, max-fused multi-scale + flip testing.
# Init: the caffe-converted ImageNet ResNet-101 of deeplab-pytorch / AdvCAM converted to
# our keys with
#   python tools/convert_checkpoint.py --src deeplabv2_caffe SRC.pth \
#       data/pretrained/deeplabv2_r101_imagenet.pth
# (COCO-pretrained init: convert that file the same way and pass
#   --cfg-options model.backbone.init_cfg.checkpoint=data/pretrained/deeplabv2_r101_coco.pth)
model = dict(
    type='MSCEncoderDecoder',
    # Caffe weights expect BGR 0-255 minus the mean, no std (deeplab-pytorch IMAGE.MEAN).
    # Padding (0 after normalisation = the mean) and label padding 255 are what
    # deeplab-pytorch's crop padding does.
    data_preprocessor=dict(
        type='SegDataPreProcessor', mean=[104.008, 116.669, 122.675], std=[1.0, 1.0, 1.0],
        bgr_to_rgb=False, pad_val=0, seg_pad_val=255),
    backbone=dict(
        type='DeepLabResNet',
        depth=101,
        style='caffe',
        deep_stem=False,
        strides=(1, 2, 1, 1),
        dilations=(1, 1, 2, 4),
        contract_dilation=False,
        out_indices=(3, ),
        frozen_stages=-1,
        norm_cfg=dict(type='BN', requires_grad=False),
        norm_eval=True,
        pool_ceil_mode=True,
        init_cfg=dict(type='Pretrained', prefix='backbone.',
                      checkpoint='data/pretrained/deeplabv2_r101_imagenet.pth')),
    decode_head=dict(
        type='DeepLabV2Head',
        in_channels=2048,
        dilations=(6, 12, 18, 24),
        num_classes=None,  # foreground + background, from the dataset
        align_corners=False,
        # torch's CrossEntropyLoss(ignore_index=255) of deeplab-pytorch: mean over
        # non-ignored pixels.
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, avg_non_ignore=True,
                         loss_weight=1.0)),
    train_cfg=dict(scales=(1.0, 0.75, 0.5)),
    # crf=True adds deeplab-pytorch's dense CRF (DEEPLAB_SOFTMAX_CRF) on the softmax.
    test_cfg=dict(mode='whole', scales=(0.5, 0.75, 1.0, 1.25), flip=True, crf=False,
                  crf_image='rgb'))
