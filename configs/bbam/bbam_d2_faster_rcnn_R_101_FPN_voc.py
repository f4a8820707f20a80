# BBAM (configs/_base_/bbam.py: the reference's settings) on BBAM's VOC detector trained by
# Detectron2 (configs/detectron2/faster_rcnn_R_101_FPN_voc.yaml), through the Detectron2
# adapter (test size: the yaml's 800 / 1333):
#   python tools/make_bbam.py configs/bbam/bbam_d2_faster_rcnn_R_101_FPN_voc.py \
#       work_dirs/faster_rcnn_R_101_FPN_voc/model_final.pth --out work_dirs/voc/bbam_d2
_base_ = ['../_base_/datasets/voc12.py', '../_base_/bbam.py']
model = dict(type='Detectron2', config='../detectron2/faster_rcnn_R_101_FPN_voc.yaml',
             num_classes=None)
bbam = dict(adapter=dict(type='detectron2'))
