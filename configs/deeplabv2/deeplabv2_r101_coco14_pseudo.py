# DeepLab-v2 R101 on COCO 2014 train pseudo labels, balanced CE:
#   python tools/train.py configs/deeplabv2/deeplabv2_r101_coco14_pseudo.py \
#       --cfg-options train_dataloader.dataset.data_prefix.seg_map_path=/path/to/pseudo_labels
_base_ = './deeplabv2_r101_coco14_gt.py'
train_dataloader = dict(dataset=dict(data_prefix=dict(seg_map_path='pseudo_labels')))
model = dict(
    decode_head=dict(loss_decode=dict(_delete_=True, type='BalancedCrossEntropyLoss')))
