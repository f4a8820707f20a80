# The IRN pipeline (CAM → IR labels → IRN → random walk → DeepLab-v2) on
# COCO 2014 with the references' recipes.
_base_ = './cam_irn.py'
dataset = 'configs/_base_/datasets/coco14.py'
size = 'full_coco14'
work_dir = 'work_dirs/pipeline_cam_irn_coco14'
