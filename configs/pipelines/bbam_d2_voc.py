# The Detectron2 BBAM pipeline on PASCAL VOC 2012 (aug) with the reference's recipes.
_base_ = './bbam_d2.py'
dataset = 'configs/_base_/datasets/voc12.py'
size = 'full'
work_dir = 'work_dirs/pipeline_bbam_d2_voc'
