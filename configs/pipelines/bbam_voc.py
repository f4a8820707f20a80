# The BBAM pipeline (detector → BBAM maps → pseudo instances and semantic labels →
# DeepLab-v2) on PASCAL VOC 2012 (aug) with the reference's recipes.
_base_ = './bbam.py'
dataset = 'configs/_base_/datasets/voc12.py'
size = 'full'
work_dir = 'work_dirs/pipeline_bbam_voc'
# VOC has ground-truth instance masks for train/val only (SegmentationObject), none for the
# train_aug json the detector trains on: the ground-truth Mask R-CNN is left out.
skip = ['mask_rcnn_gt', 'mask_rcnn_gt_test']
