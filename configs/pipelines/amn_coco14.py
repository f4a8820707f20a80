# amn pipeline on coco14:  python tools/run_pipeline.py configs/pipelines/amn_coco14.py
_base_ = ['./_base_/amn.py', './_base_/coco14.py']
work_dir = 'work_dirs/pipeline_amn_coco14'
# COCO has no train_aug: seeds, masks and their evaluation use train2014.
mask_split = 'train'
eval_split = 'train'
advcam_split = 'train'
rw_preset = 'amn_coco'  # background 0.22 on COCO (methods.md §4.1)
