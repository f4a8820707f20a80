# The ACR pipeline on COCO 2014 (seed document §A.3: 3 epochs, lr 0.005, its loss weights).
_base_ = './acr.py'
dataset = 'configs/_base_/datasets/coco14.py'
size = 'full_coco14'
work_dir = 'work_dirs/pipeline_acr_coco14'
