"""Seed-generation speed of both execution modes, and their agreement.

    python benchmarks/bench_seeds.py [--config configs/cam/cam_toy.py] [--checkpoint CKPT] \
        [--dataset DATASET_CONFIG] [--data-root data/toy_voc] [--split train] [--num-images 8] [--methods cam advcam] \
        [--device cpu]

For each method, runs the ``reference`` mode (official loop order: class by class,
scale by scale, one flip pair at a time) and the ``optimized`` default on the same
images, and prints images/s side by side with the max abs difference of their
``cam`` and ``high_res`` maps.  Without a checkpoint the model keeps its random
initialisation (the speed does not depend on the weights).
"""
import argparse
import time

import numpy as np
import torch

import wsss_plugins  # noqa: F401
from wsss_plugins.registry import SEED_GENERATORS


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--config', default='configs/cam/cam_toy.py')
    parser.add_argument('--checkpoint')
    parser.add_argument('--dataset', help='dataset config replacing the config\'s own')
    parser.add_argument('--data-root', default=None)
    parser.add_argument('--split', default='train')
    parser.add_argument('--num-images', type=int, default=8)
    parser.add_argument('--methods', nargs='+', default=['cam', 'advcam'])
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--threads', type=int, default=None, help='torch.set_num_threads')
    return parser.parse_args()


def run(generator, images):
    outputs = []
    start = time.perf_counter()
    for img, keys in images:
        outputs.append(generator(img, keys))
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    return len(images) / (time.perf_counter() - start), outputs


def main():
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    from mmengine.registry import init_default_scope
    from mmengine.runner import load_checkpoint

    from wsss_plugins.datasets import build_split_dataset, load_config
    from wsss_plugins.apis.seed_pass import build_seed_generator
    from wsss_plugins.utils.image import read_rgb

    cfg = load_config(args.config, args.dataset,
                      dict(data_root=args.data_root) if args.data_root else None)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    from mmseg.registry import MODELS
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    if args.checkpoint:
        load_checkpoint(model, args.checkpoint, map_location='cpu', logger='silent')
    model.to(args.device)
    dataset = build_split_dataset(cfg, args.split)
    images = []
    for i in range(min(args.num_images, len(dataset))):
        info = dataset.get_data_info(i)
        images.append((read_rgb(info['img_path']), np.flatnonzero(info['img_labels'])))
    n_classes = sum(len(k) for _, k in images)
    print(f'{len(images)} images ({n_classes} image-class pairs, mean size '
          f'{np.mean([i.shape[0] for i, _ in images]):.0f}x'
          f'{np.mean([i.shape[1] for i, _ in images]):.0f}) on {args.device}, '
          f'{torch.get_num_threads()} threads')
    names = {n.lower(): n for n in SEED_GENERATORS.module_dict}
    header = (f'{"method":8s} {"reference img/s":>16s} {"optimized img/s":>16s} {"speed-up":>9s} '
              f'{"max|d| cam":>11s} {"max|d| high_res":>16s}')
    rows = []
    for method in args.methods:
        speed, outs = {}, {}
        for mode in ('reference', 'optimized'):
            gen = build_seed_generator(dict(type=names[method], mode=mode), model)
            gen(*images[0])  # warm-up
            speed[mode], outs[mode] = run(gen, images)
        diff = {k: max(float((a[k] - b[k]).abs().max()) for a, b in
                       zip(outs['reference'], outs['optimized'])) for k in ('cam', 'high_res')}
        rows.append(f'{method:8s} {speed["reference"]:16.3f} {speed["optimized"]:16.3f} '
                    f'{speed["optimized"] / speed["reference"]:8.2f}x '
                    f'{diff["cam"]:11.2e} {diff["high_res"]:16.2e}')
        print(rows[-1], flush=True)
    print(header)
    print('\n'.join(rows))


if __name__ == '__main__':
    main()
