# The AdvCAM pipeline on the synthetic toy dataset (generated when missing), CPU-sized models.
_base_ = './advcam.py'
work_dir = 'work_dirs/pipeline_advcam_toy'
