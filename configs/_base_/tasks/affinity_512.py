# Training on IR labels (IRN, AMN) at the reference scale: IRN's / AMN's
# VOC12SegmentationDataset(rescale=(0.5, 1.5), hor_flip=True, crop 512, crop_method='random');
# the labels are the CAM stage's IR labels in `ir_label_dir` (absolute, or relative to
# data_root). Both references drop the last incomplete batch (max_step = len // batch * ep).
_base_ = './epoch_loader.py'
crop_size = (512, 512)
ir_label_dir = 'ir_label'
affinity_train_pipeline = [
    dict(type='LoadCheckedImage'),
    dict(type='LoadCheckedAnnotations'),
    dict(type='RandomRescale', ratio_range=(0.5, 1.5)),
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomCrop', crop_size=None),  # = crop_size (datasets/config.py)
    dict(type='PackWSSSInputs'),
]
train_dataloader = dict(dataset=dict(data_prefix=dict(seg_map_path=ir_label_dir),
                                     pipeline=affinity_train_pipeline))
