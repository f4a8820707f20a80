# The BBAM pipeline (detector → BBAM maps → pseudo instances and semantic labels →
# DeepLab-v2) on PASCAL VOC 2012 (aug) with the reference's recipes.
_base_ = './bbam.py'
dataset = 'configs/_base_/datasets/voc12.py'
size = 'full'
work_dir = 'work_dirs/pipeline_bbam_voc'
