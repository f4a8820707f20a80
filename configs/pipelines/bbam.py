# BBAM pipeline (methods.md §6.1, box supervision): Faster R-CNN on the training split's
# boxes → BBAM maps of every box → pseudo instances (th 0.85 / 0.2 COCO jsons) and semantic
# labels → DeepLab-v2 on the semantic labels, and Mask R-CNN on the pseudo instances beside
# Mask R-CNN on the filled boxes and on the ground truth (the upper bound); the report scores
# the pseudo labels beside the filled-box baseline. List stages in `skip` to leave them out
# (e.g. the two comparison Mask R-CNNs).
_base_ = './_base_/stages.py'
stages = [
    {{_base_.stage_detector}}, {{_base_.stage_detector_test}}, {{_base_.stage_bbam}},
    {{_base_.stage_bbam_labels}}, {{_base_.stage_bbam_deeplab}}, {{_base_.stage_deeplab_test}},
    {{_base_.stage_mask_rcnn}}, {{_base_.stage_mask_rcnn_test}},
    {{_base_.stage_mask_rcnn_box}}, {{_base_.stage_mask_rcnn_box_test}},
    {{_base_.stage_mask_rcnn_gt}}, {{_base_.stage_mask_rcnn_gt_test}}
]
report = dict(
    table=[{{_base_.row_detector}}, {{_base_.row_bbam_all_background}},
           {{_base_.row_bbam_instances}}, {{_base_.row_box_instances}},
           {{_base_.row_box_crf_instances}}, {{_base_.row_bbam_semantic}},
           {{_base_.row_box_semantic}}, {{_base_.row_box_crf_semantic}},
           {{_base_.row_deeplab_bbam}}, {{_base_.row_mask_rcnn}}, {{_base_.row_mask_rcnn_abo}},
           {{_base_.row_mask_rcnn_coco}}, {{_base_.row_mask_rcnn_box}},
           {{_base_.row_mask_rcnn_gt}}],
    per_class=[dict(label='BBAM semantic labels', file='{bbam_labels.out}/report.json',
                    key='semantic.per_class'),
               dict(label='filled boxes', file='{bbam_labels.out}/report.json',
                    key='box_semantic.per_class')],
    overlays=[
        dict(dataset='{dataset}', split='{train_split}', num_images=4,
             title='BBAM maps and pseudo labels on training images', columns=[
                 dict(label='BBAM maps', bbam='{bbam.out}'),
                 dict(label='BBAM semantic labels', labels='{bbam_labels.out}/semantic'),
                 dict(label='filled boxes', labels='{bbam_labels.out}/box_semantic')]),
        dict(dataset='{dataset}', split='{val_split}', num_images=4,
             title='Mask R-CNN predictions on val images (score > 0.5)', columns=[
                 dict(label='on BBAM instances',
                      labels='{mask_rcnn_test.out}/predictions'),
                 dict(label='on filled boxes', labels='{mask_rcnn_box_test.out}/predictions'),
                 dict(label='on ground truth', labels='{mask_rcnn_gt_test.out}/predictions')])])
