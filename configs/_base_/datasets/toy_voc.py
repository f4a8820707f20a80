# The synthetic toy set (python tools/make_toy_dataset.py --out data/toy_voc).
# `splits` and `infer_dataset` serve the tools that run outside a Runner
# (make_seeds, eval_seeds, make_ir_labels, make_pseudo_labels): see
# wsss_plugins.datasets.build_split_dataset.
dataset_type = 'ToyVOCDataset'
# WSSS_TOY_ROOT overrides the location (the tests and the pipeline runner use it).
data_root = '{{$WSSS_TOY_ROOT:data/toy_voc}}'
num_classes = 5  # incl. background
splits = dict(
    train=dict(ann_file='ImageSets/Segmentation/train.txt', gt_seg_map_path='SegmentationClass'),
    train_aug=dict(ann_file='ImageSets/Segmentation/train_aug.txt',
                   gt_seg_map_path='SegmentationClass'),
    val=dict(ann_file='ImageSets/Segmentation/val.txt', gt_seg_map_path='SegmentationClass'))
infer_pipeline = [dict(type='LoadCheckedImage'), dict(type='PackWSSSInputs')]
infer_dataset = dict(type=dataset_type, data_root=data_root, pipeline=infer_pipeline)
