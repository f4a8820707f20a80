"""IRN's instance pass: seed CAMs + boundary map + displacement field → scored instance masks
(irn_instances.md; IRN ``step/make_ins_seg_labels.py``).

1. ``find_centroids``: every stride-4 pixel moves 300 times along the displacement field,
   read bilinearly at its current position, clipped to the map, then rounded;
2. ``cluster_centroids``: the 4-connected components of the weak-displacement region
   (‖d‖ < 2.5) are the instances; a pixel belongs to the component its centroid lands in
   (id 0 when it lands on strong displacement: kept as an instance of its own);
3. the CAM of every image class times every instance channel, through the semantic pass's
   random walk, upsampled and divided by the global max;
4. ``detect_fragments``: argmax against a background of 0.25 gives each pixel a
   (class, instance) pair; each pair's 4-connected fragment is one detection scored by the
   max of its map inside it, 0 for fragments under 1% of the image.

Step 4 labels the fragments of all pairs in one ``ndimage.label`` call
(``label_same_value``) and scores them with ``bincount`` / ``ndimage.maximum``, where IRN
loops over pairs and fragments in Python with one full-image mask product each; the output
(order included: pair-major, then raster order of each fragment's first pixel) is the same
(``benchmarks/bench_instances.py`` times both; tests/refine/test_instances.py compares).
"""
import numpy as np
import torch
import torch.nn.functional as F
from scipy import ndimage

from .random_walk import propagate, upsample_normalised

#: IRN's values (run_sample.py, make_ins_seg_labels.py); cam_power comes from the seeds'
#: random-walk preset (1 for IRN's CAMs)
INSTANCE_PASS_DEFAULTS = dict(bg_threshold=0.25, iterations=300, cluster_threshold=2.5,
                              min_fragment=0.01, beta=10, exp_times=8, radius=5,
                              method='sparse')

_CROSS = ndimage.generate_binary_structure(2, 1)  # 4-connectivity (skimage connectivity=1)


def find_centroids(displacement, iterations=300):
    """IRN ``find_centroids_with_refinement``: ``displacement [2, h, w]`` (dy, dx at stride 4)
    → int ``[2, h, w]``, the rounded (y, x) each pixel reaches after ``iterations`` steps.

    A step adds the field at the current position with bilinear weights over the ceil/floor
    neighbours (both updates use the position before the step), then clips to the map.
    Positions stay float32 and the steps are float64 (IRN's ``centroid_y += ...`` with
    float64 weights): the same rounding, so the same centroids."""
    disp = np.asarray(displacement, np.float32)
    height, width = disp.shape[1:]
    fy, fx = disp.reshape(2, -1)
    cy = np.repeat(np.arange(height)[:, None], width, 1).astype(np.float32).ravel()
    cx = np.repeat(np.arange(width)[None], height, 0).astype(np.float32).ravel()
    for _ in range(iterations):
        uy, dy = np.ceil(cy).astype(np.intp), np.floor(cy).astype(np.intp)
        ux, dx = np.ceil(cx).astype(np.intp), np.floor(cx).astype(np.intp)
        wy, wx = cy - dy, cx - dx
        uy, dy = uy * width, dy * width  # flat indices: 1-D ``take`` is ~7x fancy indexing
        corners = (uy + ux, dy + ux, uy + dx, dy + dx)
        weights = (wy, 1 - wy, wy, 1 - wy), (wx, wx, 1 - wx, 1 - wx)
        # IRN's products and sums, left to right (the same float32 rounding)
        step_y, step_x = (sum(f.take(i) * a * b for i, a, b in zip(corners, *weights))
                          for f in (fy, fx))
        cy += step_y  # in place: float64 steps added to float32 positions, as IRN's +=
        cx += step_x
        cy, cx = np.clip(cy, 0, height - 1), np.clip(cx, 0, width - 1)
    cy, cx = cy.reshape(height, width), cx.reshape(height, width)
    return np.stack([np.round(cy), np.round(cx)]).astype(np.int32)


def cluster_centroids(centroids, displacement, threshold=2.5):
    """IRN ``cluster_centroids``: bool ``[I, h, w]``, one channel per instance id that occurs
    (ids renumbered consecutively; channel 0 is id 0, strong displacement, when it occurs)."""
    disp = np.asarray(displacement, np.float32)
    strength = np.sqrt(disp[1] ** 2 + disp[0] ** 2)
    weak_components, _ = ndimage.label(strength < threshold, structure=_CROSS)
    clusters = weak_components[centroids[0], centroids[1]]
    _, ids = np.unique(clusters, return_inverse=True)  # IRN compress_range
    ids = ids.reshape(clusters.shape)
    return ids[None] == np.arange(ids.max() + 1)[:, None, None]


def empty_detections(img_size):
    return dict(score=np.zeros(0, np.float32), mask=np.zeros((0, *img_size), bool),
                **{'class': np.zeros(0, np.int64)})


def detect_fragments(scores, pair_map, pair_class, min_size):
    """IRN ``detect_instance``, vectorised: ``scores [P, H, W]`` (normalised maps),
    ``pair_map [H, W]`` (0 = background, p + 1 = pair p), ``pair_class [P]`` →
    ``dict(score [N], mask bool [N, H, W], class [N])``: one detection per 4-connected
    fragment of each pair, score = max of its map inside it, 0 when its area < ``min_size``.
    """
    num_pairs, (height, width) = len(scores), pair_map.shape
    fragments, count = label_same_value(pair_map)
    if count == 0:
        return empty_detections((height, width))
    index = np.arange(1, count + 1)
    pair_of = np.zeros(count, np.int64)
    pair_of[fragments[fragments > 0] - 1] = pair_map[fragments > 0] - 1
    # IRN's order: pair-major, then the raster order of the fragments' first pixels
    order = np.lexsort((index, pair_of))
    area = np.bincount(fragments.ravel(), minlength=count + 1)[1:]
    own_score = np.take_along_axis(scores, np.maximum(pair_map - 1, 0)[None], 0)[0]
    peak = np.maximum(ndimage.maximum(own_score, fragments, index), 0)  # IRN: max(score·mask)
    boxes = ndimage.find_objects(fragments)
    masks = np.zeros((count, height, width), bool)  # filled in output order: no copy
    for rank, k in enumerate(order):
        masks[rank][boxes[k]] = fragments[boxes[k]] == k + 1
    return dict(score=np.where(area < min_size, 0, peak).astype(np.float32)[order],
                mask=masks, **{'class': np.asarray(pair_class, np.int64)[pair_of[order]]})


def label_same_value(values):
    """4-connected components of equal non-zero values of an int map ``[H, W]`` (background
    0), numbered in raster order of their first pixel: one ``ndimage.label`` on the 2x grid
    where a pixel links to its right / lower neighbour only if they hold the same value."""
    height, width = values.shape
    grid = np.zeros((2 * height, 2 * width), bool)
    fg = values > 0
    grid[::2, ::2] = fg
    grid[::2, 1:-1:2] = fg[:, :-1] & (values[:, :-1] == values[:, 1:])
    grid[1:-1:2, ::2] = fg[:-1] & (values[:-1] == values[1:])
    labels, count = ndimage.label(grid, structure=_CROSS)
    return labels[::2, ::2], count

def instance_detections(seed, edge, displacement, img_size, bg_threshold=0.25, cam_power=1.0,
                        iterations=300, cluster_threshold=2.5, min_fragment=0.01, beta=10,
                        exp_times=8, radius=5, method='sparse'):
    """One image's instances (IRN): seed (``load_seed`` dict, its stride-4 ``cam``), boundary
    probabilities ``[h, w]`` and the mean-shifted displacement ``[2, h, w]`` → the
    ``detect_fragments`` dict (classes 0-based, as the seed keys).

    ``displacement=None`` is the baseline without instance cues: every class map walks as
    one channel (the semantic pass's walk: its argmax is the semantic pseudo label), so each
    connected component of the semantic mask is one instance, scored by the same rule."""
    cam = torch.as_tensor(seed['cam'][1:] if seed['has_bg'] else seed['cam'])
    if cam.shape[0] == 0:
        return empty_detections(img_size)
    if cam_power != 1.0:
        cam = cam ** cam_power
    if displacement is None:  # the baseline: one instance channel, the semantic walk's maps
        instances = np.ones((1, *cam.shape[1:]), bool)
    else:
        displacement = np.asarray(displacement, np.float32)
        instances = cluster_centroids(find_centroids(displacement, iterations), displacement,
                                      cluster_threshold)
    num_classes, num_instances = cam.shape[0], len(instances)
    x = (cam[:, None] * torch.from_numpy(instances).to(cam.dtype)[None]).flatten(0, 1)
    edge = torch.as_tensor(edge, dtype=cam.dtype)
    rw = propagate(x, edge, radius=radius, beta=beta, exp_times=exp_times, method=method)
    up = upsample_normalised(rw, img_size)
    pair_map = F.pad(up, (0, 0, 0, 0, 1, 0), value=bg_threshold).argmax(0).numpy()
    height, width = img_size
    return detect_fragments(up.numpy(), pair_map, np.repeat(seed['keys'], num_instances),
                            height * width * min_fragment)

