"""torch >= 2.6 loads with weights_only=True; mmengine 0.10.7 checkpoints need the shim."""
import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer

import wsss_plugins  # noqa: F401  (applies the shim)


def _mmengine_style_checkpoint(path):
    # What mmengine's CheckpointHook writes: message_hub with HistoryBuffer, numpy scalars.
    loss = HistoryBuffer()
    loss.update(1.0)
    torch.save(dict(meta=dict(epoch=1, iter=np.int64(5), seed=np.int64(0)),
                    state_dict=dict(w=torch.ones(2)),
                    message_hub=dict(log_scalars={'train/loss': loss})), path)


def test_plain_torch_load_rejects_mmengine_checkpoints(tmp_path):
    path = str(tmp_path / 'ckpt.pth')
    _mmengine_style_checkpoint(path)
    with pytest.raises(Exception, match='weights_only'):
        torch.load(path)  # torch's own default is untouched (still safe)


def test_mmengine_loads_its_checkpoints_through_the_shim(tmp_path):
    from mmengine.runner.checkpoint import _load_checkpoint
    path = str(tmp_path / 'ckpt.pth')
    _mmengine_style_checkpoint(path)
    ckpt = _load_checkpoint(path, map_location='cpu')
    assert int(ckpt['meta']['iter']) == 5
    assert torch.equal(ckpt['state_dict']['w'], torch.ones(2))
    # an explicit weights_only argument still wins
    from mmengine.runner import checkpoint as ckpt_module
    with pytest.raises(Exception, match='weights_only'):
        ckpt_module.torch.load(path, weights_only=True)
