# The embedded default (python tools/run_pipeline.py, make demo): the AMN pipeline on the
# synthetic toy dataset, CPU, with AdvCAM seeds and the fully supervised DeepLab-v2 as
# comparisons.
_base_ = ['./_base_/amn.py', './_base_/toy_voc.py']
work_dir = 'work_dirs/pipeline_amn_toy'
