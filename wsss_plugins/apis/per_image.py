"""The one per-image pass runner (seeds, IR labels, random-walk pseudo labels, ...).

Every pass is "for each image of a split, write one file": rank r of a world of n
processes (torchrun) takes images r, r+n, r+2n, ... (IRN's ``split_dataset`` does the same
per GPU); an image whose output exists is skipped, so an interrupted pass resumes; the
work function writes its file atomically (``utils.io.atomic_write``), so no half-written
file survives a kill; an image that fails is reported by name while the others go on;
``nproc`` worker processes share a rank's images (CPU-bound passes such as the CRF);
``batch_size`` > 1 hands the work function batches of images with one ``batch_key``
(e.g. one image size, for GPU batches).
"""
import os.path as osp
from functools import partial

from ..utils.io import parallel_map


def sample_name(data_info):
    """The name of an image's output files: its file name without the extension."""
    return osp.splitext(osp.basename(data_info['img_path']))[0]


class PassFailed(ValueError):
    """Images of a pass failed; the message names them (the other images were written)."""


def _guarded(work, item):
    try:
        work(item)
    except Exception as e:  # noqa: BLE001 - reported per image, the others go on
        return item['name'], f'{item.get("img_path", item["name"])}: {type(e).__name__}: {e}'
    return None


def _guarded_batch(work, batch):
    """``work(batch)``; a batch that fails is rerun image by image to name the bad image."""
    if len(batch) == 1:
        failure = _guarded(lambda item: work([item]), batch[0])
        return [failure] if failure else []
    try:
        work(batch)
    except Exception:  # noqa: BLE001 - rerun one by one
        return [f for item in batch for f in _guarded_batch(work, [item])]
    return []


def key_batches(items, batch_key, batch_size):
    """Consecutive groups of up to ``batch_size`` items with equal ``batch_key(item)``,
    in order of each key's first item.  A key that raises (an unreadable image) gives
    the item a batch of its own, so the work function reports it."""
    groups = {}
    for item in items:
        try:
            key = batch_key(item)
        except Exception:  # noqa: BLE001 - reported when the work function reads it
            key = ('unreadable', item['name'])
        groups.setdefault(key, []).append(item)
    return [group[i:i + batch_size] for group in groups.values()
            for i in range(0, len(group), batch_size)]


def run_per_image(items, out_path, work, rank=0, world_size=1, nproc=1, desc=None,
                  batch_size=1, batch_key=None):
    """Run ``work(item)`` for this rank's items whose ``out_path(item)`` does not exist.

    Args:
        items: dicts with at least ``name`` (and ``img_path``, used in messages).
        out_path: item → the file ``work`` writes.
        work: item → None; writes ``out_path(item)`` atomically. Picklable when ``nproc > 1``.
            With ``batch_size > 1``: a list of items → None, writing each item's file.
        batch_size, batch_key: batches of up to ``batch_size`` items of equal
            ``batch_key(item)`` (``key_batches``); a failing batch is rerun image by image.

    Returns:
        dict(written=int, skipped=int, failures=[(name, message), ...]).
    """
    mine = items[rank::world_size]
    todo = [item for item in mine if not osp.exists(out_path(item))]
    if batch_size > 1:
        batches = key_batches(todo, batch_key, batch_size)
        failures = [f for fs in parallel_map(partial(_guarded_batch, work), batches,
                                             nproc=nproc, desc=desc) for f in fs]
    else:
        failures = [f for f in parallel_map(partial(_guarded, work), todo, nproc=nproc,
                                            desc=desc) if f is not None]
    return dict(written=len(todo) - len(failures), skipped=len(mine) - len(todo),
                failures=failures)


def raise_on_failures(result, what):
    """``PassFailed`` naming the first failures of ``result`` (from ``run_per_image``)."""
    failures = result['failures']
    if failures:
        shown = '\n  '.join(message for _, message in failures[:5])
        more = f'\n  (+{len(failures) - 5} more)' if len(failures) > 5 else ''
        raise PassFailed(f'{what}: {len(failures)} image(s) failed, the others were written:'
                         f'\n  {shown}{more}')
