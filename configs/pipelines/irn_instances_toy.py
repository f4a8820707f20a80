# IRN's instance pass on the synthetic toy dataset (generated when missing), CPU-sized models.
# The toy Mask R-CNN starts from the toy CAM classifier's backbone (no ImageNet weights at this
# size) with the plain mask loss; the pseudo instances are scored on all of train_aug (its
# 300 images have SegmentationObject; `train`, 30 images, holds 2 pairs of touching
# same-class objects, the cases the displacement field is for).
_base_ = './irn_instances.py'
work_dir = 'work_dirs/pipeline_irn_instances_toy'
instance_split = 'train_aug'
options = dict(toy=dict(mask_rcnn=['load_from={cam.checkpoint}']))
