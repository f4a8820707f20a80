# cam_irn pipeline on voc12:  python tools/run_pipeline.py configs/pipelines/cam_irn_voc.py
_base_ = ['./_base_/cam_irn.py', './_base_/voc12.py']
work_dir = 'work_dirs/pipeline_cam_irn_voc'
