# COCO 2014 variables of the pipelines (data under data/coco14 or $WSSS_COCO_ROOT).
dataset_config = 'configs/_base_/datasets/coco14.py'
cam_config = 'configs/cam/cam_r50_coco14.py'
amn_config = 'configs/amn/amn_r50_coco14.py'
irn_config = 'configs/irn/irn_r50_coco14.py'
deeplab_config = 'configs/deeplabv2/deeplabv2_r101_coco14_pseudo.py'
deeplab_gt_config = 'configs/deeplabv2/deeplabv2_r101_coco14_gt.py'
amn_options = []
irn_options = []
deeplab_options = []
advcam_options = []
