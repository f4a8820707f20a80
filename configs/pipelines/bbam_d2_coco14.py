# The Detectron2 BBAM pipeline on COCO 2014 (BBAM's COCO detector: R-50-FPN).
_base_ = './bbam_d2.py'
dataset = 'configs/_base_/datasets/coco14.py'
size = 'full_coco14'
work_dir = 'work_dirs/pipeline_bbam_d2_coco14'
