"""One training step's global loss and gradients, through the tools' launcher path.

    [torchrun --nproc_per_node N] dist_probe.py CONFIG OUT [--launcher pytorch]
        [--cfg-options ...]

Builds the Runner as ``tools/train.py`` does (``load_runner_config``: process group, the
config's global batch split over the processes, the CPU DDP wrapper), feeds the first
``global batch`` images of the training set without random augmentation (rank r takes
the r-th slice of the per-process batch), backpropagates once through the wrapped model
and saves (on rank 0) the loss averaged over the processes and the gradients, which DDP
has averaged. Run with 1 and with N processes, the two files must agree. A model with its
own ``train_step`` over several optimisers (ACR) takes one step instead, and every rank saves
its parameters (``OUT.rank<r>``), which the separate DDP wrappers must keep equal.
"""
import argparse
import os
import sys

import torch


def main():
    parser = argparse.ArgumentParser()
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', '..'))
    from wsss_plugins.engine import (add_config_args, add_runner_args, build_runner,
                                     load_runner_config)
    add_config_args(parser)
    parser.add_argument('out')
    args = add_runner_args(parser).parse_args()
    cfg = load_runner_config(args)
    global_batch = cfg.train_dataloader.batch_size * int(os.environ.get('WORLD_SIZE', 1))
    with_labels = cfg.train_dataloader.dataset.data_prefix.get('seg_map_path') is not None
    cfg.train_dataloader.dataset.pipeline = [
        dict(type='LoadCheckedImage'),
        *([dict(type='LoadCheckedAnnotations')] if with_labels else []),
        dict(type='Resize', scale=(96, 96), keep_ratio=False),
        dict(type='PackWSSSInputs'),
    ]
    runner = build_runner(cfg)

    import torch.distributed as dist
    from mmengine.dataset import pseudo_collate
    from mmengine.model import is_model_wrapper
    from mmseg.registry import DATASETS
    dataset = DATASETS.build(cfg.train_dataloader.dataset)
    rank, per_process = runner.rank, cfg.train_dataloader.batch_size
    batch = pseudo_collate([dataset[i] for i in range(rank * per_process,
                                                      (rank + 1) * per_process)])
    model = runner.model
    module = model.module if is_model_wrapper(model) else model
    module.train()
    if 'constructor' in cfg.optim_wrapper:  # own train_step over several optimisers (ACR)
        wrappers = runner.build_optim_wrapper(runner.optim_wrapper)
        wrappers.initialize_count_status(module, 0, 1)
        start = {name: p.detach().clone() for name, p in module.named_parameters()}
        model.train_step(batch, wrappers)
        torch.save(dict(wrapper=type(model).__name__, start=start, params={
            name: p.detach().clone() for name, p in module.named_parameters()}),
            f'{args.out}.rank{rank}')
        return
    data = module.data_preprocessor(batch, True)
    loss, _ = module.parse_losses(model(**data, mode='loss'))  # through DDP's forward
    loss.backward()
    loss = loss.detach()
    if dist.is_initialized():
        dist.all_reduce(loss)
        loss /= dist.get_world_size()
    if rank == 0:
        grads = {name: p.grad.clone() for name, p in module.named_parameters()
                 if p.grad is not None}
        torch.save(dict(loss=loss, grads=grads, global_batch=global_batch,
                        per_process=per_process), args.out)


if __name__ == '__main__':
    main()
