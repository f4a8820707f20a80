# The AdvCAM pipeline on PASCAL VOC 2012 (aug) with the references' recipes.
_base_ = './advcam.py'
dataset = 'configs/_base_/datasets/voc12.py'
size = 'full'
work_dir = 'work_dirs/pipeline_advcam_voc'
