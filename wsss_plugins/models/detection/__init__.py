from .d2_adapter import Detectron2RCNNAdapter, build_d2_model
from .mmdet_adapter import MMDetTwoStageAdapter
from .seed_growing_mask_head import SeedGrowingMaskHead

# d2_mask_head imports Detectron2 and is loaded by build_d2_model / the Detectron2 trainer.
__all__ = ['Detectron2RCNNAdapter', 'MMDetTwoStageAdapter', 'SeedGrowingMaskHead',
           'build_d2_model']
