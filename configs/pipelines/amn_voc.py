# amn pipeline on voc12:  python tools/run_pipeline.py configs/pipelines/amn_voc.py
_base_ = ['./_base_/amn.py', './_base_/voc12.py']
work_dir = 'work_dirs/pipeline_amn_voc'
