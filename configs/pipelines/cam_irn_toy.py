# The IRN pipeline (CAM → IR labels → IRN → random walk → DeepLab-v2) on
# the synthetic toy dataset (generated when missing), CPU-sized models.
_base_ = './cam_irn.py'
work_dir = 'work_dirs/pipeline_cam_irn_toy'
