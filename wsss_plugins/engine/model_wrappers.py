"""MMEngine's DDP wrappers for models on the CPU (gloo), so torchrun works without GPUs."""
from mmengine.model import MMDistributedDataParallel, MMSeparateDistributedDataParallel
from mmengine.registry import MODEL_WRAPPERS


def _cpu(module):
    return next(module.parameters()).device.type == 'cpu'


@MODEL_WRAPPERS.register_module()
class CPUDistributedDataParallel(MMDistributedDataParallel):
    """``MMDistributedDataParallel`` that drops ``device_ids`` for a CPU module.

    MMEngine's Runner always passes ``device_ids=[LOCAL_RANK]``, which DDP rejects for
    CPU modules; gradients are still averaged over the processes, as on GPUs.
    """

    def __init__(self, module, device_ids=None, **kwargs):
        if _cpu(module):
            device_ids = None
        kwargs.setdefault('broadcast_buffers', False)  # as MMEngine's default wrapper
        super().__init__(module=module, device_ids=device_ids, **kwargs)


@MODEL_WRAPPERS.register_module()
class CPUSeparateDistributedDataParallel(MMSeparateDistributedDataParallel):
    """``MMSeparateDistributedDataParallel`` (one DDP per submodule, the model's own
    ``train_step``: GAN-style models such as ACR) without ``device_ids`` on the CPU."""

    def __init__(self, module, device_ids=None, **kwargs):
        if not _cpu(module):
            kwargs['device_ids'] = device_ids
        super().__init__(module=module, **kwargs)
