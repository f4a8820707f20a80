# AdvCAM pipeline on the toy dataset.
_base_ = ['./_base_/advcam.py', './_base_/toy_voc.py']
work_dir = 'work_dirs/pipeline_advcam_toy'
