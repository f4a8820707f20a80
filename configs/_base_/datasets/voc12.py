# PASCAL VOC 2012 + SBD (see README: tools/dataset_converters/voc_aug.py).
dataset_type = 'VOC12Dataset'
data_root = '{{$WSSS_VOC_ROOT:data/VOCdevkit/VOC2012}}'  # env var overrides
num_classes = 21  # incl. background
splits = dict(
    train=dict(ann_file='ImageSets/Segmentation/train.txt', gt_seg_map_path='SegmentationClass'),
    train_aug=dict(ann_file='ImageSets/Segmentation/train_aug.txt',
                   gt_seg_map_path='SegmentationClassAug'),
    val=dict(ann_file='ImageSets/Segmentation/val.txt', gt_seg_map_path='SegmentationClass'))
infer_pipeline = [dict(type='LoadCheckedImage'), dict(type='PackWSSSInputs')]
# Image-level labels come from Annotations/*.xml (the dataset's default, as IRN's
# cls_labels.npy); img_labels_from='SegmentationClassAug' derives them from the PNGs.
infer_dataset = dict(type=dataset_type, data_root=data_root, pipeline=infer_pipeline)
