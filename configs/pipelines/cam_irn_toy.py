# IRN pipeline (CAM → IR labels → IRN → random walk → DeepLab-v2) on the toy dataset.
_base_ = ['./_base_/cam_irn.py', './_base_/toy_voc.py']
work_dir = 'work_dirs/pipeline_cam_irn_toy'
