"""Training hooks of the toolbox (registered in mmengine's ``HOOKS``, found by
``custom_hooks`` in any scope)."""
import numpy as np
import torch
from mmengine.dist import all_reduce, get_dist_info
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.registry import HOOKS

from ..utils.image import normalize, read_rgb
from ..utils.io import progress


def top_left_crop(img, size):
    """IRN ``imutils.top_left_crop`` of a normalised ``[3, H, W]`` image: the image at the
    top-left of a ``size`` canvas of zeros (the mean colour), cut where it is larger."""
    canvas = np.zeros((img.shape[0], *size), img.dtype)
    h, w = min(size[0], img.shape[1]), min(size[1], img.shape[2])
    canvas[:, :h, :w] = img[:, :h, :w]
    return canvas


@HOOKS.register_module()
class DisplacementMeanHook(Hook):
    """IRN's displacement mean, measured at the end of training so that the last checkpoint
    carries it (``IRNet.displacement_mean``; the end of IRN's ``train_irn.py``).

    In eval mode, over the images of ``split`` (IRN: its inference list), each top-left
    cropped / zero-padded to ``crop_size`` (default the model's ``test_cfg.pad_size``, IRN's
    512), in batches of ``batch_size`` without flip: the mean of the raw displacement over
    batch and space per channel, averaged over the batches. ``drop_last`` drops the last
    incomplete batch as IRN's loader does (kept when it is the only one). Runs before the
    checkpoint hook saves the last epoch (or iteration); under torchrun each rank measures
    ``batches[rank::world]`` and the per-batch means are summed over ranks.
    """

    priority = 'NORMAL'  # before CheckpointHook (VERY_LOW) saves the last checkpoint

    def __init__(self, split='train_split', batch_size=32, crop_size=None, drop_last=True):
        self.split = split
        self.batch_size = batch_size
        self.crop_size = crop_size
        self.drop_last = drop_last

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        # the last iteration of any loop, before the checkpoint hook's after_train_iter /
        # after_train_epoch of that iteration
        if self.is_last_train_iter(runner):
            self.measure(runner)

    def measure(self, runner):
        from ..datasets import build_split_dataset
        from ..datasets.config import split_name
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        split = split_name(runner.cfg, self.split)
        dataset = build_split_dataset(runner.cfg, split, seg_map_path=None, pipeline=[])
        paths = [dataset.get_data_info(i)['img_path'] for i in range(len(dataset))]
        mean = displacement_mean(model, paths, self.batch_size, self.crop_size,
                                 self.drop_last, *get_dist_info())
        model.displacement_mean.copy_(mean.to(model.displacement_mean))
        runner.logger.info(f'displacement mean over {len(paths)} images of {split}: '
                           f'dy {mean[0]:.4f}, dx {mean[1]:.4f} (stored in the checkpoint)')


@torch.no_grad()
def displacement_mean(model, img_paths, batch_size=32, crop_size=None, drop_last=True,
                      rank=0, world_size=1):
    """The 2-vector IRN subtracts from the displacement output (see the hook)."""
    crop_size = tuple(crop_size or model.test_cfg.get('pad_size', (512, 512)))
    starts = list(range(0, len(img_paths), batch_size))
    if drop_last and len(starts) > 1 and len(img_paths) % batch_size:
        starts = starts[:-1]
    device = model.displacement_mean.device
    was_training = model.training
    model.eval()
    total, count = torch.zeros(2, dtype=torch.float64, device=device), torch.zeros(
        1, dtype=torch.float64, device=device)
    try:
        for start in progress(starts[rank::world_size], desc='displacement mean',
                              disable=rank != 0):
            batch = np.stack([top_left_crop(normalize(read_rgb(p)), crop_size)
                              for p in img_paths[start:start + batch_size]])
            disp = model.raw_displacement(torch.from_numpy(batch).float().to(device))
            total += disp.double().mean(dim=(0, 2, 3))
            count += 1
    finally:
        model.train(was_training)
    if world_size > 1:
        all_reduce(total, op='sum')
        all_reduce(count, op='sum')
    return (total / count.clamp(min=1)).float()
