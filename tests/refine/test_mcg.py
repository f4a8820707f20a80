"""MCG refinement (refine/mcg.py): a hand-built case, the reference's per-pixel rules on random
proposals, the .mat format and file lookup."""
import numpy as np
import pytest

from wsss_plugins.refine.mcg import load_mcg, mcg_path, refine_box

CELL = 10


def grid(cells=8):
    """Superpixels of 10×10-pixel cells, id 1 + row·8 + column."""
    ids = np.arange(1, cells * cells + 1).reshape(cells, cells)
    return np.kron(ids, np.ones((CELL, CELL), np.int64))


def cells_mask(cells, shape=(80, 80)):
    m = np.zeros(shape, np.uint8)
    for r, c in cells:
        m[r * CELL:(r + 1) * CELL, c * CELL:(c + 1) * CELL] = 1
    return m


def ids(cells):
    return np.array([1 + r * 8 + c for r, c in cells])


SQUARE = [(1, 1), (1, 2), (2, 1), (2, 2)]


def test_best_proposal_in_the_box_fills_the_mask_and_proposals_leaving_it_are_excluded():
    sp = grid()
    box = (10, 10, 49, 49)  # cells rows/cols 1-4, inclusive pixels as the reference slices
    fg = cells_mask(SQUARE + [(0, 1)])  # spills above the box onto cell (0, 1)
    fg[20:25, 20:25] = 0  # a hole
    ignore = cells_mask([(r, c) for r in (1, 2, 3) for c in (1, 2, 3)])
    proposals = [ids(SQUARE + [(0, 1)]),  # best IoU, but cell (0, 1) lies outside the box
                 ids(SQUARE),  # the best candidate
                 ids([(r, c) for r in range(1, 5) for c in range(1, 5)]),  # the whole box
                 ids([(3, 3)]),  # inside ignore only
                 ids([(r, c) for r in (1, 2, 3) for c in (1, 2, 3)])]  # ignore's best
    new_fg, new_ignore, refined = refine_box(sp, proposals, box, fg, ignore)
    assert refined
    np.testing.assert_array_equal(new_fg, cells_mask(SQUARE))  # hole filled, clipped to box
    np.testing.assert_array_equal(new_ignore, ignore)  # its best ∪ the contained ones


def test_the_ignore_mask_takes_the_foreground_selection():
    sp = grid()
    box = (10, 10, 49, 49)
    fg = cells_mask(SQUARE + [(4, 4)])
    ignore = cells_mask([(r, c) for r in (1, 2, 3) for c in (1, 2, 3)])
    proposals = [ids(SQUARE), ids([(4, 4)]), ids([(r, c) for r in (1, 2, 3) for c in (1, 2, 3)])]
    new_fg, new_ignore, _ = refine_box(sp, proposals, box, fg, ignore)
    np.testing.assert_array_equal(new_fg, fg)
    np.testing.assert_array_equal(new_ignore, ignore | cells_mask([(4, 4)]))


def test_small_boxes_and_boxes_without_a_proposal_keep_their_masks():
    sp = grid()
    fg = cells_mask([(1, 1)])
    # 30×30 < 32²
    assert refine_box(sp, [ids([(1, 1)])], (10, 10, 39, 39), fg, fg)[2] is False
    out = refine_box(sp, [ids([(6, 6), (7, 7)])], (10, 10, 49, 49), fg, fg)
    assert out[2] is False and out[0] is fg and out[1] is fg


def reference_refine(sp, proposals, box, fg, ignore):
    """``BBAM_plus_mcg.match_mcg_proposal`` with per-proposal pixel masks (json box
    ``[x1, y1, w + 1, h + 1]``)."""
    x1, y1, x2, y2 = box
    inbox = np.zeros_like(sp)
    inbox[y1:y2 + 1, x1:x2 + 1] = 1
    outside = sp.copy()
    outside[y1:y2 + 1, x1:x2 + 1] = 0
    out_list = set(np.unique(outside)[1:]) - set(np.unique(sp * inbox))
    filtered = [p for p in proposals if not set(p) & out_list]
    best, best_iou, add = [None, None], [0, 0], [np.zeros_like(sp), np.zeros_like(sp)]
    for p in filtered:
        a = np.isin(sp, p).astype(np.int64)
        for k, m in enumerate((fg, ignore)):
            iou = (a & m).sum() / (a | m).sum()
            if iou > best_iou[k] and (a & inbox).sum() / a.sum() > 0.95:
                best[k], best_iou[k] = a.copy(), iou
            if (a & m).sum() / a.sum() > 0.95:
                add[k][a == 1] = 1
    r1 = fg if best[0] is None else (best[0] | add[0]) * inbox
    if best[1] is None:
        r2 = ignore
    else:
        r2 = (best[1] | add[1] | (fg if best[0] is None else best[0] | add[0])) * inbox
    return r1, r2


def test_per_superpixel_sums_equal_the_reference_pixel_rules():
    rng = np.random.default_rng(0)
    for trial in range(20):
        sp = np.kron(rng.permutation(64).reshape(8, 8) + 1, np.ones((6, 6), np.int64))
        proposals = [rng.choice(np.arange(1, 65), size=rng.integers(1, 6), replace=False)
                     for _ in range(60)]
        x1, y1 = rng.integers(0, 15, 2)
        box = (int(x1), int(y1), int(x1) + 32, int(y1) + 32)  # 33 × 33 pixels
        fg = np.zeros(sp.shape, np.uint8)
        fg[box[1] + 4:box[3] - 4, box[0] + 3:box[2] - 6] = 1
        ignore = fg.copy()
        ignore[box[1]:box[3], box[0]:box[2]] = 1
        got = refine_box(sp, proposals, box, fg, ignore)
        want = reference_refine(sp, proposals, box, fg, ignore)
        np.testing.assert_array_equal(got[0], want[0], err_msg=f'trial {trial}')
        np.testing.assert_array_equal(got[1], want[1], err_msg=f'trial {trial}')


def test_mat_files_round_trip_and_are_found_with_or_without_the_2007_prefix(tmp_path):
    from scipy import io
    sp = grid()
    labels = np.empty((2, 1), object)
    labels[0, 0], labels[1, 0] = np.array([[1, 2, 3]]), np.array([[9]])
    (tmp_path / 'a').mkdir()
    (tmp_path / 'b').mkdir()
    io.savemat(tmp_path / 'b' / '000032.mat', dict(superpixels=sp.astype(np.uint16),
                                                   labels=labels))
    path = mcg_path([str(tmp_path / 'a'), str(tmp_path / 'b')], '2007_000032')
    assert path == str(tmp_path / 'b' / '000032.mat')
    superpixels, proposals = load_mcg(path)
    np.testing.assert_array_equal(superpixels, sp)
    assert [p.tolist() for p in proposals] == [[1, 2, 3], [9]]
    assert mcg_path([str(tmp_path / 'a')], '2007_000032') is None
    io.savemat(tmp_path / 'a' / 'x.mat', dict(other=np.zeros(2)))
    with pytest.raises(ValueError, match='not an MCG proposal file'):
        load_mcg(str(tmp_path / 'a' / 'x.mat'))
