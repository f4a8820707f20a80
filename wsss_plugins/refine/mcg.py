"""Optional MCG refinement of BBAM's instance masks (methods.md §6.1 step 4, wave2.md §1.5:
the reference's ``BBAM_plus_mcg.py::match_mcg_proposal``).

Per box of at least 32×32 pixels, with the MCG proposals of the image (``<name>.mat``:
``superpixels [H, W]`` and ``labels``, one array of superpixel ids per proposal):

1. candidates: proposals without a superpixel that lies entirely outside the box;
2. best: the candidate with the highest IoU with the BBAM mask among those with more than
   95% of their pixels inside the box;
3. added: every candidate with more than 95% of its pixels inside the BBAM mask;
4. result: (best ∪ added) clipped to the box; the th 0.2 result, when the th 0.2 mask has a
   best proposal, also takes the th 0.85 selection (best ∪ added, or the th 0.85 mask itself
   when that had no best). Without a best proposal a mask stays as it is (so a refined th
   0.85 mask can leave an unrefined th 0.2 one: the reference's behaviour).

The box is the json box as the reference slices it (``[y1:y2+1, x1:x2+1]``). Areas and
overlaps are summed per superpixel (each proposal is a union of superpixels), which equals
the reference's per-proposal pixel masks and avoids rasterising thousands of them.
Deviation: masks stay RLE; the reference re-polygonises refined masks (tolerance 2).
"""
import os.path as osp

import numpy as np

MIN_BOX_AREA = 32 * 32  # smaller boxes keep their BBAM mask
INSIDE = 0.95


def mcg_path(mcg_dirs, name):
    """``<dir>/<name>.mat`` in the first directory that has it (VOC 2007 images also without
    their ``2007_`` prefix, as the reference's 2007 proposal directory names them)."""
    for directory in mcg_dirs:
        for stem in dict.fromkeys((name, name.replace('2007_', '', 1))):
            path = osp.join(directory, stem + '.mat')
            if osp.isfile(path):
                return path
    return None


def load_mcg(path):
    """``(superpixels [H, W] int, proposals: list of superpixel-id arrays)`` of a MCG .mat."""
    from scipy import io
    mat = io.loadmat(path)
    if 'superpixels' not in mat or 'labels' not in mat:
        raise ValueError(f'{path}: not an MCG proposal file (needs `superpixels` and `labels`)')
    # a cell array: N×1 or 1×N object array of id arrays
    proposals = [np.asarray(entry).ravel().astype(np.int64) for entry in mat['labels'].ravel()]
    return np.asarray(mat['superpixels']).astype(np.int64), proposals


def _sums(superpixels, region, size):
    """Pixels of each superpixel id inside ``region`` (a bool mask; None: everywhere)."""
    return np.bincount(superpixels.ravel() if region is None else superpixels[region],
                       minlength=size)


def refine_box(superpixels, proposals, box, fg, ignore):
    """``(fg, ignore, refined)`` for one box (``box`` integer x1, y1, x2, y2; ``fg``/``ignore``
    its th 0.85 / th 0.2 masks, uint8 ``[H, W]``)."""
    x1, y1, x2, y2 = box
    if (x2 - x1 + 1) * (y2 - y1 + 1) < MIN_BOX_AREA:
        return fg, ignore, False
    size = int(superpixels.max()) + 1
    inbox = np.zeros(superpixels.shape, bool)
    inbox[y1:y2 + 1, x1:x2 + 1] = True
    total, in_box = _sums(superpixels, None, size), _sums(superpixels, inbox, size)
    outside_only = (total > 0) & (in_box == 0)
    candidates = [p for p in proposals
                  if len(p) and p.max() < size and total[p].sum() and not outside_only[p].any()]
    selections = []
    for mask in (fg, ignore):
        in_mask, mask_area = _sums(superpixels, mask == 1, size), int((mask == 1).sum())
        best, best_iou, added = None, 0.0, np.zeros(size, bool)
        for p in candidates:
            area, inter = total[p].sum(), in_mask[p].sum()
            iou = inter / (area + mask_area - inter)
            if iou > best_iou and in_box[p].sum() / area > INSIDE:
                best, best_iou = p, iou
            if inter / area > INSIDE:
                added[p] = True
        if best is None:
            selections.append(None)
            continue
        added[best] = True
        selections.append(added)
    fg_sel, ignore_sel = selections
    refined_fg = fg if fg_sel is None else (fg_sel[superpixels] & inbox).astype(np.uint8)
    if ignore_sel is None:
        refined_ignore = ignore
    else:
        union = ignore_sel[superpixels] | (fg == 1 if fg_sel is None else fg_sel[superpixels])
        refined_ignore = (union & inbox).astype(np.uint8)
    return refined_fg, refined_ignore, fg_sel is not None
