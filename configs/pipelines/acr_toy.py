# The ACR pipeline on the synthetic toy dataset (generated when missing), CPU-sized models:
# the toy CAM classifier initialises both ACR networks.
_base_ = './acr.py'
work_dir = 'work_dirs/pipeline_acr_toy'
