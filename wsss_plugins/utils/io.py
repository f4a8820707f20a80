"""Atomic, resumable output writing shared by every tool that writes per-image files.

A file appears under its final name only once completely written (write to a
temporary sibling, then ``os.replace``), so an interrupted pass never leaves a
half-written file and a rerun can skip every file that exists.
"""
import contextlib
import multiprocessing
import os
import os.path as osp
import tempfile

import numpy as np
from PIL import Image


@contextlib.contextmanager
def atomic_write(path, mode='wb'):
    """Open a temporary file next to ``path``; rename it to ``path`` on success."""
    directory = osp.dirname(osp.abspath(path))
    os.makedirs(directory, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=directory, prefix='.' + osp.basename(path) + '.',
                               suffix='.tmp')
    try:
        with os.fdopen(fd, mode) as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)
        raise


def atomic_save_figure(fig, path, dpi='figure'):
    """Save a matplotlib figure as PNG, atomically (every report and demo figure)."""
    with atomic_write(path) as f:
        fig.savefig(f, format='png', dpi=dpi)


def atomic_save_png(path, label, palette=None):
    """Write a uint8 label map as PNG (optionally palette-indexed), atomically."""
    label = np.asarray(label)
    if label.dtype != np.uint8:
        if label.min() < 0 or label.max() > 255:
            raise ValueError(f'{path}: label values {label.min()}..{label.max()} '
                             'do not fit in uint8')
        label = label.astype(np.uint8)
    image = Image.fromarray(label, mode='L' if palette is None else None)
    if palette is not None:
        image = image.convert('P')
        image.putpalette(palette)
    with atomic_write(path) as f:
        image.save(f, format='PNG')


def progress(iterable, total=None, desc=None, disable=None):
    """tqdm progress bar with ETA; silent on non-main ranks."""
    from mmengine.dist import get_rank
    from tqdm import tqdm
    if disable is None:
        disable = get_rank() != 0
    return tqdm(iterable, total=total, desc=desc, disable=disable,
                dynamic_ncols=True, mininterval=1.0)


def parallel_map(fn, items, nproc=1, desc=None):
    """Map ``fn`` over ``items`` in ``nproc`` worker processes with a progress bar.

    ``fn`` must be picklable (a module-level function or ``functools.partial``).
    """
    items = list(items)
    if nproc <= 1:
        return [fn(item) for item in progress(items, desc=desc)]
    with multiprocessing.get_context('spawn').Pool(nproc) as pool:
        return list(progress(pool.imap(fn, items), total=len(items), desc=desc))
