# The AMN pipeline on PASCAL VOC 2012 (aug) with the references' recipes.
_base_ = './amn.py'
dataset = 'configs/_base_/datasets/voc12.py'
size = 'full'
work_dir = 'work_dirs/pipeline_amn_voc'
