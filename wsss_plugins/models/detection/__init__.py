from .mmdet_adapter import MMDetTwoStageAdapter
from .seed_growing_mask_head import SeedGrowingMaskHead

__all__ = ['MMDetTwoStageAdapter', 'SeedGrowingMaskHead']
