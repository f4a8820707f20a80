# The AMN pipeline on the synthetic toy dataset (generated when missing), CPU-sized models.
_base_ = './amn.py'
work_dir = 'work_dirs/pipeline_amn_toy'
