"""IR labels (two dense CRFs per image, IRN ``cam_to_ir_label``): images/s at 1 and 2 worker
processes (``--nproc``) and under torchrun with 2 ranks, the labels of every run equal
(issue 19).

    python benchmarks/bench_ir_labels.py [--num-images 8] [--size 500x375] [--record]

Inputs are synthetic (a noise image, smooth seed maps of two classes) written to a
temporary directory; each run writes its PNGs through the per-image runner the tool uses
(``apis.per_image.run_per_image`` with ``apis.label_passes``' job), so process start-up
and file writing are in the time.  Each process runs one torch thread.
"""
import argparse
import os
import os.path as osp
import shutil
import subprocess
import sys
import tempfile
import time
from functools import partial

import numpy as np

from common import add_common_args, print_table, record

PARAMS = dict(conf_fg=0.30, conf_bg=0.05)  # IRN's


def make_inputs(root, num_images, width, height):
    import torch
    import torch.nn.functional as F
    from PIL import Image

    from wsss_plugins.utils.image import strided_size
    from wsss_plugins.utils.seed_io import save_seed
    rng = np.random.default_rng(0)
    gen = torch.Generator().manual_seed(0)
    items = []
    for i in range(num_images):
        name = f'img_{i:03d}'
        path = osp.join(root, 'images', name + '.jpg')
        os.makedirs(osp.dirname(path), exist_ok=True)
        Image.fromarray(rng.integers(0, 256, (height, width, 3), dtype=np.uint8)).save(path)
        coarse = torch.rand(1, 2, 6, 8, generator=gen)
        high = F.interpolate(coarse, (height, width), mode='bicubic', align_corners=False)[0]
        high = high.clamp(min=0) / high.amax((1, 2), keepdim=True)
        cam = F.interpolate(high[None], strided_size((height, width), 4), mode='bilinear',
                            align_corners=False)[0]
        save_seed(osp.join(root, 'seeds', name + '.npy'), np.array([3, 11]), cam, high)
        items.append(dict(name=name, img_path=path))
    return items


def run_pass(root, out, nproc, rank=0, world_size=1):
    from wsss_plugins.apis.label_passes import _ir_label_job, _png
    from wsss_plugins.apis.per_image import run_per_image
    items = [dict(name=osp.splitext(f)[0], img_path=osp.join(root, 'images', f),
                  img_labels=np.eye(20)[[3, 11]].sum(0))
             for f in sorted(os.listdir(osp.join(root, 'images')))]
    os.makedirs(out, exist_ok=True)
    job = partial(_ir_label_job, seed_dir=osp.join(root, 'seeds'), out_dir=out, params=PARAMS)
    result = run_per_image(items, partial(_png, out), job, rank, world_size, nproc=nproc)
    if result['failures']:
        raise SystemExit(f'failures: {result["failures"][:3]}')


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--num-images', type=int, default=8)
    parser.add_argument('--size', default='500x375', metavar='WxH')
    parser.add_argument('--worker', nargs=2, metavar=('ROOT', 'OUT'), help=argparse.SUPPRESS)
    add_common_args(parser)
    args = parser.parse_args()
    os.environ['OMP_NUM_THREADS'] = str(args.threads)
    if args.worker:  # one torchrun rank
        return run_pass(*args.worker, nproc=1, rank=int(os.environ['RANK']),
                        world_size=int(os.environ['WORLD_SIZE']))
    import torch
    torch.set_num_threads(args.threads)
    from PIL import Image
    width, height = (int(v) for v in args.size.lower().split('x'))
    root = tempfile.mkdtemp(prefix='bench_ir_labels_')
    try:
        make_inputs(root, args.num_images, width, height)
        runs = {}
        for label, nproc, ranks in [('1 process', 1, 1), ('--nproc 2', 2, 1),
                                    ('torchrun, 2 ranks', 1, 2)]:
            out = osp.join(root, label.replace(' ', '_').replace(',', ''))
            start = time.perf_counter()
            if ranks == 1:
                run_pass(root, out, nproc)
            else:
                subprocess.run([sys.executable, '-m', 'torch.distributed.run',
                                f'--nproc_per_node={ranks}', __file__, '--worker', root, out,
                                f'--threads={args.threads}'], check=True,
                               stdout=subprocess.DEVNULL)
            runs[label] = (time.perf_counter() - start, out)
        base, base_out = runs['1 process']
        names = sorted(os.listdir(base_out))
        header = ['run', 'images/s', 'speed-up', 'labels equal']
        table, rows = [], []
        for label, (sec, out) in runs.items():
            equal = all(np.array_equal(np.asarray(Image.open(osp.join(base_out, n))),
                                       np.asarray(Image.open(osp.join(out, n)))) for n in names)
            table.append([label, f'{args.num_images / sec:.2f}', f'{base / sec:.2f}x',
                          'yes' if equal else 'NO'])
            if label != '1 process':
                rows.append(dict(benchmark=f'IR labels (2 CRFs), {width}x{height}, images/s: '
                                 f'{label} vs 1 process',
                                 reference=round(args.num_images / base, 3),
                                 ours=round(args.num_images / sec, 3),
                                 ratio=round(base / sec, 2), max_abs_diff=0 if equal else None))
        print(f'{args.num_images} images of {width}x{height}, {args.threads} thread(s) per process')
        print_table(header, table)
        if args.record:
            record('IR labels', rows, args.threads, images=args.num_images,
                   size=f'{width}x{height}')
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == '__main__':
    main()
