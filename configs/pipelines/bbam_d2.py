# BBAM pipeline in Detectron2 (the second host framework): Detectron2 Faster R-CNN on the
# training split's boxes (tools/d2_train.py) → BBAM maps through the Detectron2 adapter (the
# same BBAM code as bbam.py) → pseudo instances and semantic labels (the same label pass) →
# Detectron2 Mask R-CNN on the BBAM instances (seed-growing mask head) and on the filled
# boxes → mAP^r with the MMDetection path's metric code. bbam.py is the MMDetection pipeline.
_base_ = './_base_/stages.py'
configs = dict(toy=dict(bbam='configs/bbam/bbam_d2_faster_rcnn_R_18_FPN_toy.py'),
               full=dict(bbam='configs/bbam/bbam_d2_faster_rcnn_R_101_FPN_voc.py'),
               full_coco14=dict(bbam='configs/bbam/bbam_d2_faster_rcnn_R_50_FPN_coco14.py'))
_predictions = ['WSSS.PREDICTION_DIR', '{out}/predictions']
# no ImageNet weights at toy size: the toy Mask R-CNN starts from the toy detector
options = dict(toy=dict(d2_mask_rcnn=['MODEL.WEIGHTS', '{detector.checkpoint}'],
                        d2_mask_rcnn_test=_predictions),
               full=dict(d2_mask_rcnn_test=_predictions))
stages = [
    {{_base_.stage_d2_detector}}, {{_base_.stage_d2_detector_test}}, {{_base_.stage_bbam}},
    {{_base_.stage_bbam_labels}}, {{_base_.stage_d2_mask_rcnn}},
    {{_base_.stage_d2_mask_rcnn_test}}, {{_base_.stage_d2_mask_rcnn_box}},
    {{_base_.stage_d2_mask_rcnn_box_test}}
]
report = dict(
    table=[{{_base_.row_d2_detector}}, {{_base_.row_bbam_instances}},
           {{_base_.row_box_instances}}, {{_base_.row_box_crf_instances}},
           {{_base_.row_bbam_semantic}}, {{_base_.row_box_semantic}},
           {{_base_.row_mask_rcnn}}, {{_base_.row_mask_rcnn_abo}},
           {{_base_.row_d2_mask_rcnn_coco}}, {{_base_.row_mask_rcnn_box}}],
    overlays=[
        dict(dataset='{dataset}', split='{train_split}', num_images=4,
             title='BBAM maps (Detectron2 detector) and pseudo labels on training images',
             columns=[dict(label='BBAM maps', bbam='{bbam.out}'),
                      dict(label='BBAM semantic labels', labels='{bbam_labels.out}/semantic'),
                      dict(label='filled boxes', labels='{bbam_labels.out}/box_semantic')]),
        dict(dataset='{dataset}', split='{val_split}', num_images=4,
             title='Detectron2 Mask R-CNN predictions on val images (score > 0.5)', columns=[
                 dict(label='on BBAM instances', labels='{mask_rcnn_test.out}/predictions'),
                 dict(label='on filled boxes',
                      labels='{mask_rcnn_box_test.out}/predictions')])])
