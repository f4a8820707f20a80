# The toy DeepLab-v2 trained on a pseudo-label directory with the balanced CE, as
# deeplabv2_r101_voc_pseudo.py does for VOC:
#   python tools/train.py configs/deeplabv2/deeplabv2_toy_pseudo.py \
#       --cfg-options train_dataloader.dataset.data_prefix.seg_map_path=/path/to/pseudo_labels
_base_ = './deeplabv2_toy.py'
train_dataloader = dict(dataset=dict(data_prefix=dict(seg_map_path='pseudo_labels')))
model = dict(
    decode_head=dict(loss_decode=dict(_delete_=True, type='BalancedCrossEntropyLoss')))
