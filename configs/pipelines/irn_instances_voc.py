# IRN's instance pass on PASCAL VOC 2012 (aug) with the references' recipes: pseudo instances of
# train_aug (Mask R-CNN's training set), scored on VOC train (1,464, IRN's protocol; reported
# AP50 37.7), Mask R-CNN R-50-FPN (IRN: Detectron's R-50) on them, val mAP^r.
_base_ = './irn_instances.py'
dataset = 'configs/_base_/datasets/voc12.py'
size = 'full'
work_dir = 'work_dirs/pipeline_irn_instances_voc'
configs = dict(full=dict(mask_rcnn='configs/bbam/mask-rcnn_r50_fpn_voc.py'))
