from .runner import PipelineError, PipelineRunner

__all__ = ['PipelineError', 'PipelineRunner']
