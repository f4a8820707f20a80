"""Registries of wsss_plugins.

Models, datasets, transforms and metrics are registered straight into the
mmseg registries (pattern 1 of ecosystem.md A.3), so host tools and
``default_scope='mmseg'`` find them.  Seed generators are ours alone: they are
not models a Runner trains but inference procedures over a trained model.
"""
from mmengine.registry import Registry

SEED_GENERATORS = Registry('seed generator', scope='wsss_plugins',
                           locations=['wsss_plugins.seeds'])

# Box-supervised attribution (BBAM): an optimisation over a trained detector, reached through
# a detector adapter (one per detection framework) so the method never names the framework.
BOX_ATTRIBUTORS = Registry('box attribution method', scope='wsss_plugins',
                           locations=['wsss_plugins.seeds'])
DETECTOR_ADAPTERS = Registry('detector adapter', scope='wsss_plugins',
                             locations=['wsss_plugins.models.detection'])

# Converters from the official repositories' checkpoints to ours, by source name
# (``tools/convert_checkpoint.py --src NAME``).  Each is a function state_dict -> state_dict.
CHECKPOINT_CONVERTERS = Registry('checkpoint converter', scope='wsss_plugins',
                                 locations=['wsss_plugins.models.converters'])
