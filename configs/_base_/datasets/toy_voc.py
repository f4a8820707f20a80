# The synthetic toy set (python tools/make_toy_dataset.py --out data/toy_voc), VOC layout.
dataset_type = 'ToyVOCDataset'
# WSSS_TOY_ROOT overrides the location (the tests and the pipeline runner use it).
data_root = '{{$WSSS_TOY_ROOT:data/toy_voc}}'
img_labels_from = 'Annotations'
splits = dict(
    train=dict(ann_file='ImageSets/Segmentation/train.txt', gt_seg_map_path='SegmentationClass'),
    train_aug=dict(ann_file='ImageSets/Segmentation/train_aug.txt',
                   gt_seg_map_path='SegmentationClass',
                   instances='annotations/instances_train_aug.json'),
    val=dict(ann_file='ImageSets/Segmentation/val.txt', gt_seg_map_path='SegmentationClass',
             instances='annotations/instances_val.json'))
train_split = 'train_aug'  # as VOC: train is the first tenth of train_aug
eval_split = 'train'
val_split = 'val'
infer_pipeline = [dict(type='LoadCheckedImage'), dict(type='PackWSSSInputs')]
