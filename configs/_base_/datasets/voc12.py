# PASCAL VOC 2012 + SBD (see README: tools/dataset_converters/voc_aug.py). A dataset config
# holds the data only (wsss_plugins/datasets/config.py); every method config and tool takes it
# as its dataset, or with --dataset.
dataset_type = 'VOC12Dataset'
data_root = '{{$WSSS_VOC_ROOT:data/VOCdevkit/VOC2012}}'  # env var overrides
# Image-level labels from Annotations/*.xml, as IRN's cls_labels.npy;
# img_labels_from='SegmentationClassAug' derives them from the PNGs.
img_labels_from = 'Annotations'
splits = dict(
    train=dict(ann_file='ImageSets/Segmentation/train.txt', gt_seg_map_path='SegmentationClass'),
    train_aug=dict(ann_file='ImageSets/Segmentation/train_aug.txt',
                   gt_seg_map_path='SegmentationClassAug',
                   # COCO-format boxes (tools/dataset_converters/voc_to_coco.py): detectors
                   instances='voc_train_aug.json'),
    val=dict(ann_file='ImageSets/Segmentation/val.txt', gt_seg_map_path='SegmentationClass',
             instances='voc_val.json'))
train_split = 'train_aug'  # models train on it; seeds and masks are made for it (10,582)
eval_split = 'train'  # seeds and masks are scored on it (1,464, as the papers)
val_split = 'val'  # segmentation validation and test (1,449)
infer_pipeline = [dict(type='LoadCheckedImage'), dict(type='PackWSSSInputs')]
# W-OoD's OoD images (the reference's OpenImages download, wave2.md §2.1), relative to data_root:
# WOoD_dataset/openimages/ood_list.txt and its OoD_images/ directory.
ood_list = 'WOoD_dataset/openimages/ood_list.txt'
ood_root = 'WOoD_dataset/openimages/OoD_images'
