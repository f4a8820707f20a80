"""MMEngine's DDP wrapper for models on the CPU (gloo), so torchrun works without GPUs."""
from mmengine.model import MMDistributedDataParallel
from mmengine.registry import MODEL_WRAPPERS


@MODEL_WRAPPERS.register_module()
class CPUDistributedDataParallel(MMDistributedDataParallel):
    """``MMDistributedDataParallel`` that drops ``device_ids`` for a CPU module.

    MMEngine's Runner always passes ``device_ids=[LOCAL_RANK]``, which DDP rejects for
    CPU modules; gradients are still averaged over the processes, as on GPUs.
    """

    def __init__(self, module, device_ids=None, **kwargs):
        if next(module.parameters()).device.type == 'cpu':
            device_ids = None
        kwargs.setdefault('broadcast_buffers', False)  # as MMEngine's default wrapper
        super().__init__(module=module, device_ids=device_ids, **kwargs)
