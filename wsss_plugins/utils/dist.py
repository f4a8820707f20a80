"""Loss normalisation over the global batch under data-parallel training."""
import torch.distributed as dist


def global_denominators(counts):
    """``(counts summed over processes, world size)`` for a mean over the global batch.

    DDP averages gradients over the N processes, so a loss ``N·Σ_local / Σ_global`` per
    process yields the gradient of ``Σ_all / Σ_global``, the single-process mean over the
    same global batch, where per-process means would weight each process's pairs or pixels
    by its own count (IRN trained on several GPUs collapses: methods.md §1, §11). The counts
    carry no gradient.
    """
    counts = counts.detach()
    if not (dist.is_available() and dist.is_initialized()) or dist.get_world_size() == 1:
        return counts, 1
    counts = counts.clone()
    dist.all_reduce(counts)
    return counts, dist.get_world_size()
