# The AdvCAM pipeline on COCO 2014 with the references' recipes.
_base_ = './advcam.py'
dataset = 'configs/_base_/datasets/coco14.py'
size = 'full_coco14'
work_dir = 'work_dirs/pipeline_advcam_coco14'
