"""Time and peak memory of IRN's dense random walk vs our sparse one (issue 4).

    python benchmarks/bench_random_walk.py                       # 500x375 VOC-size image
    python benchmarks/bench_random_walk.py --height 188 --width 250
    python benchmarks/bench_random_walk.py --exp-times 1 --modes dense   # one squaring

Each mode runs in a fresh process; peak memory is the growth of the process's
maximum resident set (``ru_maxrss``) during ``propagate`` (stride-4 grid, K classes,
radius 5, beta 10, T^(2^exp_times)).  Inputs are synthetic: a smooth boundary field
with a few straight boundaries and smooth CAMs.  Printed side by side, with the max
absolute difference between the modes' outputs (relative to the peak value).
"""
import argparse
import json
import os
import os.path as osp
import resource
import subprocess
import sys
import tempfile
import time

import numpy as np


def make_inputs(height, width, classes, seed=0):
    """Stride-4 boundary map ``[h, w]`` and CAMs ``[K, h, w]`` (float32 tensors)."""
    import torch
    import torch.nn.functional as F
    h, w = (height - 1) // 4 + 1, (width - 1) // 4 + 1
    gen = torch.Generator().manual_seed(seed)
    coarse = torch.rand(1, 1 + classes, max(h // 8, 2), max(w // 8, 2), generator=gen)
    smooth = F.interpolate(coarse, size=(h, w), mode='bicubic', align_corners=False)[0]
    edge = (smooth[0].clamp(0, 1) ** 4) * 0.5
    edge[h // 3] = 0.9
    edge[:, w // 2] = 0.9
    cams = smooth[1:].clamp(min=0)
    return edge.contiguous(), cams.contiguous()


def _maxrss_mb():
    # Linux reports KiB.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def worker(args):
    import torch
    from wsss_plugins.refine.random_walk import propagate
    torch.set_num_threads(args.threads)
    edge, cams = make_inputs(args.height, args.width, args.classes)
    propagate(cams[:, :8, :8], edge[:8, :8], method=args.worker, exp_times=1)  # warm-up
    before = _maxrss_mb()
    start = time.perf_counter()
    rw = propagate(cams, edge, method=args.worker, exp_times=args.exp_times)
    seconds = time.perf_counter() - start
    peak = _maxrss_mb() - before
    np.save(args.out, rw.numpy())
    print(json.dumps(dict(seconds=seconds, peak_mb=peak, baseline_mb=before)))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--height', type=int, default=375)
    parser.add_argument('--width', type=int, default=500)
    parser.add_argument('--classes', type=int, default=2)
    parser.add_argument('--exp-times', type=int, default=8)
    parser.add_argument('--modes', nargs='+', default=['sparse', 'dense'],
                        choices=['sparse', 'dense'])
    parser.add_argument('--threads', type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument('--record', action='store_true', help='store the rows for make_table.py')
    parser.add_argument('--worker', choices=['sparse', 'dense'], help=argparse.SUPPRESS)
    parser.add_argument('--out', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args)

    h, w = (args.height - 1) // 4 + 1, (args.width - 1) // 4 + 1
    print(f'image {args.width}x{args.height} -> stride-4 grid {w}x{h} (N = {h * w}), '
          f'K = {args.classes}, T^(2^{args.exp_times}), {args.threads} threads')
    results, outputs = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        for mode in args.modes:
            out = osp.join(tmp, f'{mode}.npy')
            cmd = [sys.executable, __file__, '--worker', mode, '--out', out] + [
                f'--{k}={getattr(args, k.replace("-", "_"))}'
                for k in ('height', 'width', 'classes', 'exp-times', 'threads')]
            proc = subprocess.run(cmd, capture_output=True, text=True)
            if proc.returncode:
                print(f'{mode}: failed\n{proc.stderr[-2000:]}')
                continue
            results[mode] = json.loads(proc.stdout.strip().splitlines()[-1])
            outputs[mode] = np.load(out)
    print(f'{"mode":<8}{"time (s)":>12}{"peak memory (MB)":>20}')
    for mode, r in results.items():
        print(f'{mode:<8}{r["seconds"]:>12.2f}{r["peak_mb"]:>20.1f}')
    if len(outputs) == 2:
        diff = np.abs(outputs['dense'] - outputs['sparse']).max()
        peak = np.abs(outputs['dense']).max()
        print(f'max |dense - sparse| = {diff:.3g} (peak value {peak:.3g}, '
              f'relative {diff / peak:.3g})')
        if args.record:
            from common import record
            what = f'random walk {args.width}x{args.height}, T^(2^{args.exp_times})'
            dense, sparse = results['dense'], results['sparse']
            record('random walk', [
                dict(benchmark=f'{what}, s: dense (IRN) vs sparse',
                     reference=round(dense['seconds'], 3), ours=round(sparse['seconds'], 3),
                     ratio=round(dense['seconds'] / sparse['seconds'], 1),
                     max_abs_diff=float(f'{diff / peak:.2g}')),
                dict(benchmark=f'{what}, peak MB: dense (IRN) vs sparse',
                     reference=round(dense['peak_mb'], 1), ours=round(sparse['peak_mb'], 1),
                     ratio=round(dense['peak_mb'] / max(sparse['peak_mb'], 1e-3), 1),
                     max_abs_diff=None)], args.threads)


if __name__ == '__main__':
    main()
