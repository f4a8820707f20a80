# COCO 2014 as 81-class semantic segmentation (tools/dataset_converters/coco14.py).
dataset_type = 'COCO14Dataset'
data_root = '{{$WSSS_COCO_ROOT:data/coco14}}'  # env var overrides
splits = dict(
    train=dict(ann_file='ImageSets/train2014.txt', img_path='train2014',
               gt_seg_map_path='SegmentationClass/train2014',
               img_labels_from='cls_labels_train2014.json',
               instances='annotations/instances_train2014.json'),
    val=dict(ann_file='ImageSets/val2014.txt', img_path='val2014',
             gt_seg_map_path='SegmentationClass/val2014',
             img_labels_from='cls_labels_val2014.json',
             instances='annotations/instances_val2014.json'))
train_split = 'train'  # 82,081 images: training, seeds and masks
eval_split = 'train'
val_split = 'val'  # 40,137
infer_pipeline = [dict(type='LoadCheckedImage'), dict(type='PackWSSSInputs')]
