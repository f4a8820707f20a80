# BBAM on the toy Detectron2 Faster R-CNN (configs/detectron2/faster_rcnn_R_18_FPN_toy.yaml,
# trained by tools/d2_train.py), through the Detectron2 adapter; the same attribution settings
# as the MMDetection toy detector (60 iterations, 30 positives) and the box-CRF baseline.
_base_ = ['../_base_/datasets/toy_voc.py', '../_base_/bbam.py']
model = dict(type='Detectron2', config='../detectron2/faster_rcnn_R_18_FPN_toy.yaml',
             num_classes=None)
bbam = dict(adapter=dict(type='detectron2'), iterations=60, max_positives=30)
bbam_labels = dict(box_crf_baseline=True)
