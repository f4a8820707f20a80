"""The IRN-family ``PolyOptimizer`` schedule as an MMEngine parameter scheduler.

The references set ``lr = base · (1 − step / max_step)^0.9`` at every step, so the last step
before ``max_step`` still has ``base · (1 / max_step)^0.9``; past it ACR's training loop goes
on at that value (its poly counts 40 epochs inside 100). MMEngine's ``PolyLR`` reaches
``eta_min`` on its last step (``total_iters = end − begin − 1``): past ``end`` the lr is 0 and
the remaining steps change nothing. ``PolyOptimizerLR`` counts ``end − begin`` steps, which
gives the reference's values step for step and holds the last one after ``end``.
"""
from mmengine.optim.scheduler import PolyLR
from mmseg.registry import PARAM_SCHEDULERS


@PARAM_SCHEDULERS.register_module()
class PolyOptimizerLR(PolyLR):

    def __init__(self, optimizer, eta_min=0., power=0.9, begin=0, end=None, **kwargs):
        if end is None:
            raise ValueError('PolyOptimizerLR needs `end` (the reference max_step)')
        super().__init__(optimizer, eta_min=eta_min, power=power, begin=begin, end=end,
                         **kwargs)
        self.total_iters = end - begin
