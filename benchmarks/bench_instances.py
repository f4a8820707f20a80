"""Time of IRN's instance-pass post-processing as the official code loops vs ours (issue 22).

    python benchmarks/bench_instances.py                     # 500x375 VOC-size image
    python benchmarks/bench_instances.py --pairs 40 --repeats 5

``reference_*`` below are IRN's ``make_ins_seg_labels.py`` functions re-written from
irn_instances.md (skimage's ``label`` replaced by scipy's, the same numbering): centroids by
300 bilinear steps, clustering, and ``detect_instance``'s Python loop over (class, instance)
pairs and their fragments with one full-image mask product each. Inputs are synthetic: a
displacement field pointing at a few centres and ``--pairs`` score maps whose argmax
fragments the image. Printed side by side: seconds per image and the speed-up, and whether
the outputs are identical (tests/refine/test_instances.py checks the same on small cases).
"""
import argparse
import time

import numpy as np
from scipy import ndimage


def reference_find_centroids(displacement, iterations=300):
    height, width = displacement.shape[1:3]
    centroid_y = np.repeat(np.arange(height)[:, None], width, axis=1).astype(np.float32)
    centroid_x = np.repeat(np.arange(width)[None], height, axis=0).astype(np.float32)
    for _ in range(iterations):
        uy, dy = np.ceil(centroid_y).astype(np.int32), np.floor(centroid_y).astype(np.int32)
        y_c = centroid_y - dy
        ux, dx = np.ceil(centroid_x).astype(np.int32), np.floor(centroid_x).astype(np.int32)
        x_c = centroid_x - dx
        moves = [displacement[c][uy, ux] * y_c * x_c + displacement[c][dy, ux] * (1 - y_c) * x_c
                 + displacement[c][uy, dx] * y_c * (1 - x_c)
                 + displacement[c][dy, dx] * (1 - y_c) * (1 - x_c) for c in (0, 1)]
        centroid_y += moves[0]  # IRN's in-place += keeps the positions float32
        centroid_x += moves[1]
        centroid_y = np.clip(centroid_y, 0, height - 1)
        centroid_x = np.clip(centroid_x, 0, width - 1)
    return np.stack([np.round(centroid_y), np.round(centroid_x)]).astype(np.int32)


def reference_detect_instance(score_map, mask, class_id, max_fragment_size=0):
    pred_score, pred_label, pred_mask = [], [], []
    for ag_score, ag_mask, ag_class in zip(score_map, mask, class_id):
        if np.sum(ag_mask) < 1:
            continue
        labels, count = ndimage.label(ag_mask)  # skimage label(connectivity=1, background=0)
        for seg_mask in (labels[None] == np.arange(1, count + 1)[:, None, None]):
            pred_score.append(0 if np.sum(seg_mask) < max_fragment_size
                              else np.max(ag_score * seg_mask))
            pred_label.append(ag_class)
            pred_mask.append(seg_mask)
    return dict(score=np.stack(pred_score), mask=np.stack(pred_mask),
                **{'class': np.stack(pred_label)})


def make_inputs(height, width, pairs, seed=0):
    rng = np.random.default_rng(seed)
    h, w = (height - 1) // 4 + 1, (width - 1) // 4 + 1
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    centres = rng.uniform([0, 0], [h, w], (4, 2)).astype(np.float32)
    nearest = ((yy[None] - centres[:, 0, None, None]) ** 2
               + (xx[None] - centres[:, 1, None, None]) ** 2).argmin(0)
    disp = np.stack([(centres[nearest, 0] - yy) * 0.3, (centres[nearest, 1] - xx) * 0.3])
    coarse = rng.random((pairs, height // 25 + 2, width // 25 + 2)).astype(np.float32)
    scores = ndimage.zoom(coarse, (1, height / coarse.shape[1], width / coarse.shape[2]),
                          order=1)[:, :height, :width]
    scores /= scores.max()
    pair_map = np.pad(scores, ((1, 0), (0, 0), (0, 0)), constant_values=0.25).argmax(0)
    return disp.astype(np.float32), scores, pair_map, rng.integers(0, 20, pairs)


def timed(fn, repeats):
    start = time.perf_counter()
    for _ in range(repeats):
        out = fn()
    return out, (time.perf_counter() - start) / repeats


def main():
    from wsss_plugins.refine.instances import detect_fragments, find_centroids
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--height', type=int, default=375)
    parser.add_argument('--width', type=int, default=500)
    parser.add_argument('--pairs', type=int, default=16, help='(class, instance) pairs')
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--record', action='store_true', help='store the rows for make_table.py')
    args = parser.parse_args()
    disp, scores, pair_map, classes = make_inputs(args.height, args.width, args.pairs)
    one_hot = pair_map[None] == np.arange(1, args.pairs + 1)[:, None, None]
    min_size = args.height * args.width * 0.01
    rows = [('centroids (300 steps)', lambda: reference_find_centroids(disp),
             lambda: find_centroids(disp)),
            ('fragments + scores', lambda: reference_detect_instance(scores, one_hot, classes,
                                                                      min_size),
             lambda: detect_fragments(scores, pair_map, classes, min_size))]
    print(f'{args.height}x{args.width} image, {args.pairs} pairs, mean of {args.repeats} runs')
    print(f'{"step":24s} {"IRN loop (s)":>13s} {"ours (s)":>9s} {"speed-up":>9s} identical')
    recorded = []
    for name, reference, ours in rows:
        ref_out, ref_s = timed(reference, args.repeats)
        our_out, our_s = timed(ours, args.repeats)
        same = (np.array_equal(ref_out, our_out) if isinstance(ref_out, np.ndarray) else
                all(np.array_equal(ref_out[k], our_out[k]) for k in ref_out))
        print(f'{name:24s} {ref_s:13.3f} {our_s:9.3f} {ref_s / our_s:8.1f}x {same}')
        recorded.append(dict(
            benchmark=f'IRN instance pass {args.width}x{args.height}, s: {name}'
                      f'{", %d pairs" % args.pairs if "fragments" in name else ""}',
            reference=round(ref_s, 4), ours=round(our_s, 4), ratio=round(ref_s / our_s, 1),
            max_abs_diff=0 if same else None))
    if args.record:
        import torch

        from common import record
        record(f'IRN instance pass, {args.pairs} pairs', recorded, torch.get_num_threads())


if __name__ == '__main__':
    main()
