# The BBAM pipeline (detector → BBAM maps → pseudo instances and semantic labels →
# DeepLab-v2) on COCO 2014 with the reference's recipes.
_base_ = './bbam.py'
dataset = 'configs/_base_/datasets/coco14.py'
size = 'full_coco14'
work_dir = 'work_dirs/pipeline_bbam_coco14'
