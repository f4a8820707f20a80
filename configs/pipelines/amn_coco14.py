# The AMN pipeline on COCO 2014 with the references' recipes.
_base_ = './amn.py'
dataset = 'configs/_base_/datasets/coco14.py'
size = 'full_coco14'
work_dir = 'work_dirs/pipeline_amn_coco14'
rw_preset = 'amn_coco'  # background 0.22 on COCO (methods.md §4.1)
