# W-OoD (methods.md §3.2): the IRN CAM classifier (cam_r50_voc.py, its checkpoint as
# load_from) fine-tuned 5 epochs with OoD images: batch 16 + 16 OoD (same augmentation), only
# stage 3, stage 4 and the classifier train (frozen_stages=2, as the CAM config), SGD lr 0.1 /
# 1.0 (classifier), wd 1e-4, poly; prototypes once before training (WOoDPrototypeHook: the
# class means of train_aug, K-means K=50 of the OoD images at long side 500).
#   python tools/train.py configs/wood/wood_r50_voc.py --cfg-options load_from=CAM.pth
# The OoD images are the dataset config's `ood_list` / `ood_root` (voc12.py: the reference's
# OpenImages download under data_root/WOoD_dataset/openimages).
_base_ = ['../cam/cam_r50_voc.py', '../_base_/wood.py']
model = {{_base_.wood_model}}
train_dataloader = dict(dataset=dict(
    _delete_=True, type='WithOoDDataset', dataset={{_base_.train_dataloader.dataset}},
    ood_list=None, ood_root=None))  # None: the dataset config's OoD images
custom_hooks = [dict(type='WOoDPrototypeHook', ood_long_side=500)]
