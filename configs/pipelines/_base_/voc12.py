# PASCAL VOC 2012 (aug) variables of the pipelines (data under data/VOCdevkit/VOC2012 or
# $WSSS_VOC_ROOT).
dataset_config = 'configs/_base_/datasets/voc12.py'
cam_config = 'configs/cam/cam_r50_voc.py'
amn_config = 'configs/amn/amn_r50_voc.py'
irn_config = 'configs/irn/irn_r50_voc.py'
deeplab_config = 'configs/deeplabv2/deeplabv2_r101_voc_pseudo.py'
deeplab_gt_config = 'configs/deeplabv2/deeplabv2_r101_voc_gt.py'
amn_options = []
irn_options = []
deeplab_options = []
advcam_options = []
