# The ACR pipeline on PASCAL VOC 2012 (aug) with the reference's recipe (ResNet-38d from the
# converted ImageNet weights: configs/_base_/models/resnet38d.py).
_base_ = './acr.py'
dataset = 'configs/_base_/datasets/voc12.py'
size = 'full'
work_dir = 'work_dirs/pipeline_acr_voc'
