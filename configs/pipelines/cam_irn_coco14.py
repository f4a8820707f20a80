# cam_irn pipeline on coco14:  python tools/run_pipeline.py configs/pipelines/cam_irn_coco14.py
_base_ = ['./_base_/cam_irn.py', './_base_/coco14.py']
work_dir = 'work_dirs/pipeline_cam_irn_coco14'
# COCO has no train_aug: seeds, masks and their evaluation use train2014.
mask_split = 'train'
eval_split = 'train'
