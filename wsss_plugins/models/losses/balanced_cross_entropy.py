"""Background/foreground-balanced cross-entropy for training on pseudo labels.

AdvCAM's author trained DeepLab-v2 with a "balanced cross-entropy like DSRG" (AdvCAM issue
#9, methods.md 2.1); AMN's ``balanced_cross_entropy`` (methods.md 4.2) is the written-out
form: per-pixel CE averaged separately over background pixels (label 0) and over
foreground pixels (labels 1..C-1), each mean weighted 1/2,

    L = 1/2 * mean_{bg pixels} CE + 1/2 * mean_{fg pixels} CE,

with the means taken over all pixels of the batch and ignored pixels (255) in neither set.
Pseudo labels are dominated by background; the split mean keeps the foreground classes from
being drowned. DSRG's seeding loss is the same two means summed without the 1/2 -- that is
``loss_weight=2``. A set with no pixel in the batch contributes 0.

It is AMN's PCL loss without label smoothing, so it is that implementation with ``eps=0``.
"""
from mmseg.registry import MODELS

from .pcl_loss import PCLLoss


@MODELS.register_module()
class BalancedCrossEntropyLoss(PCLLoss):

    def __init__(self, loss_weight=1.0, loss_name='loss_bce'):
        super().__init__(eps=0.0, loss_weight=loss_weight, loss_name=loss_name)
