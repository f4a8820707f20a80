# The W-OoD pipeline on PASCAL VOC 2012 (aug) with the reference's recipes; the OoD images are
# voc12.py's ood_list / ood_root (the reference's OpenImages download).
_base_ = './wood.py'
dataset = 'configs/_base_/datasets/voc12.py'
size = 'full'
work_dir = 'work_dirs/pipeline_wood_voc'
