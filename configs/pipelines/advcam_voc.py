# advcam pipeline on voc12:  python tools/run_pipeline.py configs/pipelines/advcam_voc.py
_base_ = ['./_base_/advcam.py', './_base_/voc12.py']
work_dir = 'work_dirs/pipeline_advcam_voc'
