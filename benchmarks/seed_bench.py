"""The seed benchmarks' shared loop (bench_cam.py, bench_advcam.py, bench_amn.py).

For one method, runs the ``reference`` mode (the official computation on the model as it is)
and variants of the ``optimized`` mode on the same images, one after the other in one
process, and prints seconds per image side by side with the speed-up over the reference and
the max abs difference of the ``cam`` and ``high_res`` maps; the projected time of VOC
``train_aug`` (10,582 images) at that speed.  The images are synthetic (uniform noise,
``--size``; the speed does not depend on the content) or a dataset split's; the model has
its random initialisation unless ``--checkpoint`` is given.
"""
import argparse
import time

import numpy as np
import torch

from common import add_common_args, print_table, record

VOC_TRAIN_AUG = 10582


def parse_args(doc, config, methods_default=None):
    parser = argparse.ArgumentParser(description=doc,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--config', default=config)
    parser.add_argument('--checkpoint')
    parser.add_argument('--size', default='101x83', metavar='WxH',
                        help='synthetic image size (the issue\'s 83x101 run; 500x375: VOC)')
    parser.add_argument('--num-images', type=int, default=4)
    parser.add_argument('--classes', type=int, default=2,
                        help='classes per synthetic image (VOC train_aug: 1.5 on average)')
    parser.add_argument('--dataset', help='read --split of this dataset config instead')
    parser.add_argument('--split', default='train')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--batch-size', type=int, default=4,
                        help='images of one size per forward in the batched rows')
    parser.add_argument('--ablation', action='store_true',
                        help='also time each inference rewrite alone')
    add_common_args(parser)
    return parser


def build_model(args):
    from mmengine.registry import init_default_scope
    from mmengine.runner import load_checkpoint
    from mmseg.registry import MODELS

    import wsss_plugins  # noqa: F401
    from wsss_plugins.datasets import load_config
    cfg = load_config(args.config, args.dataset)
    init_default_scope(cfg.get('default_scope', 'mmseg'))
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    if args.checkpoint:
        load_checkpoint(model, args.checkpoint, map_location='cpu', logger='silent')
    return cfg, model.to(args.device).eval()


def load_images(args, cfg, num_classes):
    """``[(img, keys, data_info)]`` of one size (synthetic) or of a split."""
    if args.dataset:
        from wsss_plugins.datasets import build_split_dataset
        from wsss_plugins.utils.image import read_rgb
        dataset = build_split_dataset(cfg, args.split)
        out = []
        for i in range(min(args.num_images, len(dataset))):
            info = dataset.get_data_info(i)
            out.append((read_rgb(info['img_path']), np.flatnonzero(info['img_labels']), info))
        return out
    width, height = (int(v) for v in args.size.lower().split('x'))
    rng = np.random.default_rng(0)
    return [(rng.integers(0, 256, (height, width, 3), dtype=np.uint8),
             np.sort(rng.choice(num_classes, args.classes, replace=False)),
             dict(img_path=f'synthetic_{i}.jpg'))
            for i in range(args.num_images)]


def time_generator(generator, images, batch_size=1):
    """Seconds per image and the seeds (one warm-up image first)."""
    img, keys, info = images[0]
    generator(img, keys, data_info=info)
    sync = torch.cuda.synchronize if torch.cuda.is_available() else (lambda: None)
    sync()
    start = time.perf_counter()
    seeds = []
    for i in range(0, len(images), batch_size):
        chunk = images[i:i + batch_size]
        seeds += generator.batch([c[0] for c in chunk], [c[1] for c in chunk],
                                 [c[2] for c in chunk])
    sync()
    return (time.perf_counter() - start) / len(images), seeds


def max_difference(a, b, key):
    return max(float((x[key] - y[key]).abs().max()) for x, y in zip(a, b))


def run(name, method, variants, args, options=None, make_options=None, prepare_model=None):
    """Time ``reference`` then every ``(label, generator options, batch size)`` variant.

    ``make_options(cfg, images)``: more generator options; ``prepare_model(model)``: adjusts
    a random-init model (without ``--checkpoint``)."""
    from wsss_plugins.apis.seed_pass import build_seed_generator
    torch.set_num_threads(args.threads)
    cfg, model = build_model(args)
    if prepare_model and not args.checkpoint:
        prepare_model(model)
    num_classes = cfg.model.get('num_classes') or cfg.model.get('num_fg_classes')
    images = load_images(args, cfg, num_classes)
    options = dict(options or {}, **(make_options(cfg, images) if make_options else {}))
    h, w = images[0][0].shape[:2]
    print(f'{method}: {len(images)} images of {w}x{h} '
          f'({sum(len(k) for _, k, _ in images)} image-class pairs), {args.config}, '
          f'{args.device}, {torch.get_num_threads()} threads, options {options}', flush=True)
    ref_s, ref = time_generator(build_seed_generator(
        dict(type=method, mode='reference', **options), model), images)
    header = ['mode', 's/image', 'speed-up', 'max|d| cam', 'max|d| high_res',
              f'VOC train_aug ({VOC_TRAIN_AUG})']
    table = [['reference', f'{ref_s:.3f}', '1.00x', '', '', _hours(ref_s)]]
    rows = []
    print_table(header, table)
    for label, extra, batch in variants:
        gen = build_seed_generator(dict(type=method, **options, **extra), model)
        sec, seeds = time_generator(gen, images, batch)
        diff = {k: max_difference(ref, seeds, k) for k in ('cam', 'high_res')}
        table.append([label, f'{sec:.3f}', f'{ref_s / sec:.2f}x', f'{diff["cam"]:.1e}',
                      f'{diff["high_res"]:.1e}', _hours(sec)])
        rows.append(dict(benchmark=f'{name}, {w}x{h}, s/image: {label} vs reference',
                         reference=round(ref_s, 4), ours=round(sec, 4),
                         ratio=round(ref_s / sec, 2),
                         max_abs_diff=float(f'{max(diff.values()):.2g}')))
        print('  '.join(table[-1]), flush=True)
    print()
    print_table(header, table)
    if args.record:
        shown = {k: v for k, v in options.items() if k != 'ir_label_dir'}  # no temporary paths
        record(f'{name}, {w}x{h}', rows, torch.get_num_threads(), args.device, config=args.config,
               images=len(images), size=f'{w}x{h}', options=shown)
    return rows


def _hours(seconds_per_image):
    total = seconds_per_image * VOC_TRAIN_AUG
    return f'{total / 3600:.1f} h' if total >= 3600 else f'{total / 60:.0f} min'


def optimized_variants(args, rewrites_ablation):
    """``optimized`` (its default rewrites) image by image and in batches of
    ``--batch-size`` images; with ``--ablation`` each rewrite set alone first; with
    ``--ablation`` or on a GPU the bf16 row (outside the 1e-5 tolerance by design)."""
    variants = []
    if args.ablation:
        variants += [(f'optimized, rewrites {"+".join(r) or "none"}', dict(rewrites=r), 1)
                     for r in rewrites_ablation]
    variants.append(('optimized', {}, 1))
    if args.batch_size > 1:
        variants.append((f'optimized, batch {args.batch_size}', {}, args.batch_size))
    if args.ablation or str(args.device).startswith('cuda'):
        variants.append((f'optimized, batch {args.batch_size}, bf16', dict(autocast='bf16'),
                         args.batch_size))
    return variants
