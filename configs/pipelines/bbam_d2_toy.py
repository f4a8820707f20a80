# The Detectron2 BBAM pipeline on the synthetic toy dataset, CPU-sized models
# (python tools/run_pipeline.py configs/pipelines/bbam_d2_toy.py); bbam_toy.py is the
# MMDetection one on the same data.
_base_ = './bbam_d2.py'
work_dir = 'work_dirs/pipeline_bbam_d2_toy'
