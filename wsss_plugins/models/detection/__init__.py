from .mmdet_adapter import MMDetTwoStageAdapter

__all__ = ['MMDetTwoStageAdapter']
