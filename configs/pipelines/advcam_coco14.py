# advcam pipeline on coco14:  python tools/run_pipeline.py configs/pipelines/advcam_coco14.py
_base_ = ['./_base_/advcam.py', './_base_/coco14.py']
work_dir = 'work_dirs/pipeline_advcam_coco14'
# COCO has no train_aug: seeds, masks and their evaluation use train2014.
mask_split = 'train'
eval_split = 'train'
advcam_split = 'train'
