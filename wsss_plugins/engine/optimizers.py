"""One optimiser per submodule, for models that update their parts in turn (ACR's classifier
and reconstructor; MMEngine's multi-optimiser pattern, as OpenMMLab's GAN trainers use it).

    optim_wrapper = dict(constructor='MultiOptimWrapperConstructor',
                         classifier=dict(type='OptimWrapper', optimizer=..., paramwise_cfg=...),
                         reconstructor=dict(...))

Each entry is built by MMEngine's ``DefaultOptimWrapperConstructor`` on ``model.<name>``
(so ``paramwise_cfg`` works as for one optimiser), and the result is an
``OptimWrapperDict`` the model's ``train_step`` indexes by name. A ``param_scheduler`` list
applies to every optimiser (MMEngine).
"""
import copy

from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapperDict
from mmseg.registry import OPTIM_WRAPPER_CONSTRUCTORS


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class MultiOptimWrapperConstructor:

    def __init__(self, optim_wrapper_cfg, paramwise_cfg=None):
        if paramwise_cfg is not None:
            raise ValueError('MultiOptimWrapperConstructor: give paramwise_cfg inside each '
                             'named optimiser entry, not at the top level')
        self.cfgs = copy.deepcopy(dict(optim_wrapper_cfg))

    def __call__(self, model):
        model = getattr(model, 'module', model)
        wrappers = {}
        for name, cfg in self.cfgs.items():
            if not hasattr(model, name):
                raise KeyError(f'optim_wrapper.{name}: the model ({type(model).__name__}) has '
                               f'no submodule {name!r}')
            cfg = copy.deepcopy(dict(cfg))
            paramwise = cfg.pop('paramwise_cfg', None)
            wrappers[name] = DefaultOptimWrapperConstructor(cfg, paramwise)(getattr(model, name))
        return OptimWrapperDict(**wrappers)
