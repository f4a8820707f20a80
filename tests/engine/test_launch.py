"""The config's batch is the global batch: split over the processes, or a named error."""
import pytest
from mmengine.config import Config

from wsss_plugins.engine import split_global_batch


def config(batch):
    return Config(dict(train_dataloader=dict(batch_size=batch),
                       auto_scale_lr=dict(enable=False, base_batch_size=16)))


def test_global_batch_is_split_over_the_processes():
    cfg = config(16)
    split_global_batch(cfg, 4, 'cam_r50_voc.py')
    assert cfg.train_dataloader.batch_size == 4
    # MMEngine's LR rule then sees world x per-process = 16 = the reference batch: no change
    assert 4 * cfg.train_dataloader.batch_size == cfg.auto_scale_lr.base_batch_size


def test_a_process_count_that_does_not_divide_the_batch_is_named():
    with pytest.raises(ValueError, match=r'cam_r50_voc.py: train_dataloader.batch_size=16 is '
                                         r'the global batch .* does not split over 3'):
        split_global_batch(config(16), 3, 'cam_r50_voc.py')
