# DeepLab-v2 R101 on VOC train_aug pseudo labels (the final stage of AdvCAM / W-OoD / AMN),
# with the background/foreground-balanced CE of AdvCAM issue #9. The pseudo-label directory
# (PNGs named like the images; absolute, or relative to data_root) is the one option:
#   python tools/train.py configs/deeplabv2/deeplabv2_r101_voc_pseudo.py \
#       --cfg-options train_dataloader.dataset.data_prefix.seg_map_path=/path/to/pseudo_labels
# Plain CE instead: --cfg-options model.decode_head.loss_decode.type=CrossEntropyLoss
#   model.decode_head.loss_decode.avg_non_ignore=True
_base_ = './deeplabv2_r101_voc_gt.py'
train_dataloader = dict(dataset=dict(data_prefix=dict(seg_map_path='pseudo_labels')))
model = dict(
    decode_head=dict(loss_decode=dict(_delete_=True, type='BalancedCrossEntropyLoss')))
