"""Pixel pairs and the paths between them, as IRN's ``misc/indexing.py::PathIndex``.

A pixel is paired with every pixel at offset (dy, dx) in the half plane
``dy > 0 or (dy == 0 and dx > 0)`` with ``dy² + dx² < radius²`` (the other half is
the same pairs seen from the other end).  The *path* of a pair is every pixel
whose distance to the segment between the two is < 1; the inter-pixel affinity
is ``1 - max(boundary)`` over the path (IRN paper eq. 1 / methods.md §0 step 5).

Sources are the pixels of the window ``rows [0, H - r + 1), cols [r - 1, W - r + 1)``
(``r - 1`` = IRN's ``radius_floor``), so that every destination stays inside the
map; IRN pads the boundary map before the random walk so that this window covers
every real pixel (``refine/random_walk.py``).  Offsets are ordered as in IRN
(grouped by path length), which keeps our pair tensors laid out like IRN's.
"""
import numpy as np
import torch


def search_paths(radius):
    """Offsets and their paths, grouped by path length (IRN ``get_search_paths_dst``).

    Returns a list of int arrays ``[n_offsets, path_length, 2]`` (``(dy, dx)``), one per
    path length in increasing order; each path starts with its destination.
    """
    if int(radius) != radius or radius < 2:
        raise ValueError(f'radius must be an integer >= 2, got {radius}')
    radius = int(radius)
    offsets = [(0, dx) for dx in range(1, radius)]
    offsets += [(dy, dx) for dy in range(1, radius) for dx in range(-radius + 1, radius)
                if dy * dy + dx * dx < radius * radius]
    by_length = {}
    for dy, dx in offsets:
        length_sq = dy * dy + dx * dx
        path = [(y, x) for y in range(min(0, dy), max(0, dy) + 1)
                for x in range(min(0, dx), max(0, dx) + 1)
                if (dy * x - dx * y) ** 2 / length_sq < 1]
        path.sort(key=lambda c: -abs(c[0]) - abs(c[1]))  # stable: destination first
        by_length.setdefault(len(path), []).append(path)
    return [np.asarray(by_length[n], dtype=np.int64) for n in sorted(by_length)]


class PathIndex:
    """Pairs within ``radius`` on a map of any size (IRN ``PathIndex``, size-free).

    ``D`` = number of offsets, ``P`` = number of source pixels of the window.
    """

    def __init__(self, radius):
        self.radius = int(radius)
        self.radius_floor = self.radius - 1
        self.path_groups = search_paths(self.radius)
        self.offsets = np.concatenate([g[:, 0] for g in self.path_groups])  # [D, 2] (dy, dx)

    def window(self, x, dy=0, dx=0):
        """``x[..., H, W]`` at the source window shifted by ``(dy, dx)`` → ``[..., P]``."""
        h, w = x.shape[-2:]
        rf = self.radius_floor
        ch, cw = h - rf, w - 2 * rf
        if ch <= 0 or cw <= 0:
            raise ValueError(f'map {h}x{w} too small for path radius {self.radius}')
        return x[..., dy:dy + ch, rf + dx:rf + dx + cw].flatten(-2)

    def to_affinity(self, edge):
        """Boundary probabilities ``[B, H, W]`` → affinities ``[B, D, P]``: 1 − max over the path."""
        affinities = []
        for group in self.path_groups:
            along_path = torch.stack(
                [torch.stack([self.window(edge, dy, dx) for dy, dx in path], 1)
                 for path in group], 1)  # [B, n_offsets, path_length, P]
            affinities.append(1 - along_path.max(2).values)
        return torch.cat(affinities, 1)

    def to_pair_difference(self, x):
        """``x[B, C, H, W]`` → ``x[source] − x[destination]``: ``[B, C, D, P]``."""
        dst = torch.stack([self.window(x, dy, dx) for dy, dx in self.offsets], 2)
        return self.window(x).unsqueeze(2) - dst

    def to_pair_values(self, x):
        """``x[..., H, W]`` → (source values ``[..., 1, P]``, destination values ``[..., D, P]``)."""
        dst = torch.stack([self.window(x, dy, dx) for dy, dx in self.offsets], -2)
        return self.window(x).unsqueeze(-2), dst

    def offsets_tensor(self, device=None, dtype=torch.float32):
        """``[2, D, 1]`` (dy, dx): ``p_destination − p_source`` of every pair."""
        return torch.as_tensor(self.offsets.T[:, :, None], device=device, dtype=dtype)
