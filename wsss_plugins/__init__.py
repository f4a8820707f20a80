"""wsss_plugins: OpenMMLab-native weakly supervised segmentation.

``import wsss_plugins`` (what configs do through ``custom_imports``) applies the
stack's compatibility shims and registers every component into the mmseg
registries.
"""
from . import compat

compat.apply()

from . import datasets, engine, evaluation, models, refine, seeds  # noqa: E402,F401

__version__ = '0.1.0'
