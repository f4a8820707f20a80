"""Random walk of IRN: boundary map → semantic pseudo labels (methods.md §0 step 6, §1).

IRN ``misc/indexing.py::propagate_to_edge`` + ``step/make_sem_seg_labels.py``:

1. affinity ``A_ij = (1 − max_{k ∈ path(i,j)} B_k)`` for pixel pairs closer than
   ``radius`` (5) at stride 4, ``A_ii = 1``, 0 elsewhere; the boundary map is padded
   with 1 on the left, right and bottom (``F.pad(edge, (r, r, 0, r), value=1)``) so
   that every pixel is a pair source (``models/irn/path_index.py``);
2. ``T = A^β / column sums`` (β = 10);
3. ``Y = (cam ⊙ (1 − B)) · T^(2^t)`` (t = ``exp_times`` = 8);
4. bilinear ×4 upsample (``align_corners=False``), crop to the image, divide by the
   **global** max over classes, prepend a constant background channel
   (``bg_threshold``, 0.25), argmax, map through the image's class keys.

Two implementations of step 3, equal up to float rounding:

* ``'dense'`` — IRN's: the ``N × N`` matrix (N = h·w at stride 4) squared t times.
  O(N²) memory, O(t·N³) time: 0.55 GB per matrix for a 500×375 VOC image,
  2.6 GB for a 640×640 COCO image.
* ``'sparse'`` (default) — ``T`` stays sparse (at most 69 non-zeros per column at
  radius 5) and is applied ``2^t`` times to the ``K × N`` CAM matrix:
  ``x·T^(2^t) = (((x·T)·T)···T)`` by associativity. O(N·r²) memory,
  O(2^t·K·N·r²) time.

Per-method CAM power and background threshold: ``utils.protocols.PROTOCOLS[method]
['random_walk']``.
"""
import warnings

import numpy as np
import torch
import torch.nn.functional as F

from ..utils.path_index import PathIndex

RW_METHODS = ('sparse', 'dense')


def edge_to_pairs(edge, radius=5):
    """Boundary probabilities ``[h, w]`` → the affinity pairs between real pixels.

    Returns ``(src, dst, affinity)``: flat pixel indices (int64) and affinities of every
    pair (each unordered pair once), computed on the IRN-padded map.
    """
    h, w = edge.shape
    padded = F.pad(edge[None], (radius, radius, 0, radius), mode='constant', value=1.0)
    index = PathIndex(radius)
    affinity = index.to_affinity(padded)[0]  # [D, P]
    # flat index in the padded map → real pixel index, -1 for padding
    real = torch.full(padded.shape[1:], -1, dtype=torch.int64, device=edge.device)
    real[:h, radius:radius + w] = torch.arange(h * w, device=edge.device).view(h, w)
    src, dst = index.to_pair_values(real)
    src = src.expand_as(dst)
    keep = (src >= 0) & (dst >= 0)
    return src[keep], dst[keep], affinity[keep]


def _transition_entries(src, dst, affinity, n, beta):
    """COO entries ``(row, col, value)`` of ``T = colnorm(A^β)``."""
    diag = torch.arange(n, device=src.device)
    rows = torch.cat([src, dst, diag])
    cols = torch.cat([dst, src, diag])
    scaled = affinity.pow(beta)
    values = torch.cat([scaled, scaled, torch.ones(n, dtype=affinity.dtype, device=src.device)])
    col_sums = torch.zeros(n, dtype=values.dtype, device=src.device).index_add_(0, cols, values)
    return rows, cols, values / col_sums[cols]


def propagate(x, edge, radius=5, beta=10, exp_times=8, method='sparse'):
    """``(x ⊙ (1 − edge)) · T^(2^exp_times)``: ``x [K, h, w]``, ``edge [h, w]`` → ``[K, h, w]``.

    Runs on the device and in the dtype of ``edge`` (the sparse products on a GPU: CSR
    matrix × dense, as on the CPU)."""
    if method not in RW_METHODS:
        raise ValueError(f'method must be one of {RW_METHODS}, got {method!r}')
    if x.shape[-2:] != edge.shape:
        raise ValueError(f'CAM {tuple(x.shape)} and boundary map {tuple(edge.shape)} '
                         'differ in size (both must be at stride 4)')
    k, (h, w) = x.shape[0], edge.shape
    n = h * w
    src, dst, affinity = edge_to_pairs(edge, radius)
    y = (x * (1 - edge)).reshape(k, n)
    if method == 'dense':  # IRN: dense A, A^β, column normalisation, t squarings
        trans = torch.zeros(n, n, dtype=affinity.dtype, device=edge.device)
        trans[src, dst] = affinity
        trans[dst, src] = affinity
        trans.diagonal().fill_(1)
        trans = trans.pow(beta)
        trans = trans / trans.sum(0, keepdim=True)
        for _ in range(exp_times):
            trans = trans @ trans
        y = y @ trans
    else:
        # y ← y·T as y^T ← T^T·y^T with a CSR T^T.
        rows, cols, values = _transition_entries(src, dst, affinity, n, beta)
        trans_t = torch.sparse_coo_tensor(torch.stack([cols, rows]), values, (n, n),
                                          check_invariants=False).coalesce()
        with warnings.catch_warnings():  # "sparse CSR support is in beta"; 10x faster than COO
            warnings.simplefilter('ignore', UserWarning)
            trans_t = trans_t.to_sparse_csr()
        yt = y.t().contiguous()
        threads = torch.get_num_threads()
        if edge.device.type == 'cpu':  # 256 small memory-bound products: threads only add sync
            torch.set_num_threads(1)
        try:
            for _ in range(2 ** exp_times):
                yt = trans_t @ yt
        finally:
            torch.set_num_threads(threads)
        y = yt.t()
    return y.reshape(k, h, w)


def upsample_normalised(rw, img_size):
    """Propagated maps ``[K, h, w]`` (stride 4) → ``[K, H, W]``: bilinear ×4
    (``align_corners=False``), cropped to the image, divided by the global max (IRN)."""
    height, width = img_size
    up = F.interpolate(rw[:, None], scale_factor=4, mode='bilinear',
                       align_corners=False)[:, 0, :height, :width]
    peak = up.max()
    if peak > 0:  # IRN divides unconditionally (all-zero maps would give NaN)
        up = up / peak
    return up


def label_from_scores(scores, keys, bg_threshold=0.25):
    """Normalised maps ``[K, H, W]`` → uint8 labels: argmax over a constant background
    channel ``bg_threshold`` prepended (a tie goes to the background) and the maps, mapped
    through the image's class keys (IRN)."""
    scores = F.pad(torch.as_tensor(scores), (0, 0, 0, 0, 1, 0), value=bg_threshold)
    lut = np.concatenate([[0], np.asarray(keys, dtype=np.int64) + 1]).astype(np.uint8)
    return lut[scores.argmax(0).cpu().numpy()]


def rw_to_label(rw, keys, img_size, bg_threshold=0.25):
    """Propagated maps ``[K, h, w]`` (stride 4) → uint8 label map ``[H, W]`` (IRN)."""
    return label_from_scores(upsample_normalised(rw, img_size), keys, bg_threshold)


def random_walk_scores(seed, edge, img_size, cam_power=1.0, beta=10, exp_times=8, radius=5,
                       method='sparse', device=None):
    """Seed (``load_seed`` dict; its stride-4 ``cam``) + boundary map → the walked maps
    ``[K, H, W]`` at full resolution, divided by their global max; ``None`` for an image
    without a foreground class. The background threshold is applied afterwards
    (``label_from_scores``), so one walk serves a sweep of thresholds.  ``device``: where
    the walk runs (default: the CPU; the result is returned on the CPU)."""
    cam = torch.as_tensor(seed['cam'][1:] if seed['has_bg'] else seed['cam'], device=device)
    if cam.shape[0] == 0:
        return None
    if cam_power != 1.0:
        cam = cam ** cam_power
    edge = torch.as_tensor(edge, dtype=cam.dtype, device=cam.device)
    rw = propagate(cam, edge, radius=radius, beta=beta, exp_times=exp_times, method=method)
    return upsample_normalised(rw, img_size).cpu()


def random_walk_label(seed, edge, img_size, bg_threshold=0.25, cam_power=1.0, beta=10,
                      exp_times=8, radius=5, method='sparse', device=None):
    """Seed (``load_seed`` dict; its stride-4 ``cam``) + boundary map → pseudo label."""
    scores = random_walk_scores(seed, edge, img_size, cam_power=cam_power, beta=beta,
                                exp_times=exp_times, radius=radius, method=method,
                                device=device)
    if scores is None:  # no foreground class
        return np.zeros(img_size, np.uint8)
    return label_from_scores(scores, seed['keys'], bg_threshold)
