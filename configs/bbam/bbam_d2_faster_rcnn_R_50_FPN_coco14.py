# BBAM on BBAM's COCO detector trained by Detectron2 (R-50-FPN; boxes from the split's json).
_base_ = ['../_base_/datasets/coco14.py', '../_base_/bbam.py']
model = dict(type='Detectron2', config='../detectron2/faster_rcnn_R_50_FPN_coco14.yaml',
             num_classes=None)
bbam = dict(adapter=dict(type='detectron2'))
