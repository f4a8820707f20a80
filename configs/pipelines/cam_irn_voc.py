# The IRN pipeline (CAM → IR labels → IRN → random walk → DeepLab-v2) on
# PASCAL VOC 2012 (aug) with the references' recipes.
_base_ = './cam_irn.py'
dataset = 'configs/_base_/datasets/voc12.py'
size = 'full'
work_dir = 'work_dirs/pipeline_cam_irn_voc'
