"""Convert an official repository's seed directory into the package's seed format.

    python tools/convert_seeds.py --src acr ACR_DICT_DIR OUT_DIR [--num-classes 20]

``--src acr``: ACR's ``infer_pl.py`` CAM dicts (``<name>.npy`` = ``{class: [H, W]}``, the
image's classes, 0-based) → ``<name>.npy`` seeds (``keys``, stride-4 ``cam``, ``high_res``)
that ``make_ir_labels`` / ``eval_seeds`` / IRN read. Resumable: existing outputs are kept.
"""
import argparse
import glob
import os
import os.path as osp

import numpy as np

from wsss_plugins.utils import progress
from wsss_plugins.utils.seed_io import save_seed, seed_from_class_dict, seed_path

SOURCES = ('acr', )


def convert_dir(src, in_dir, out_dir, num_classes=None):
    if not osp.isdir(in_dir):
        raise FileNotFoundError(f'seed directory not found: {in_dir}')
    files = sorted(glob.glob(osp.join(in_dir, '*.npy')))
    if not files:
        raise FileNotFoundError(f'{in_dir}: no <name>.npy files')
    os.makedirs(out_dir, exist_ok=True)
    written = 0
    for path in progress(files, desc=f'{src} seeds'):
        name = osp.splitext(osp.basename(path))[0]
        out = seed_path(out_dir, name)
        if osp.isfile(out):
            continue
        try:
            maps = np.load(path, allow_pickle=True).item()
        except Exception as e:
            raise ValueError(f'{path}: cannot read a seed dict ({e})') from e
        keys, cam, high_res = seed_from_class_dict(maps, path)
        if num_classes is not None and keys.max() >= num_classes:
            raise ValueError(f'{path}: class index {keys.max()} outside 0..{num_classes - 1}')
        save_seed(out, keys, cam, high_res)
        written += 1
    return written, len(files)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--src', required=True, choices=SOURCES, help='seed source')
    parser.add_argument('input', help='directory of the reference seed files')
    parser.add_argument('output', help='directory of the converted seeds')
    parser.add_argument('--num-classes', type=int, default=None,
                        help='foreground classes of the dataset (checks the class indices)')
    args = parser.parse_args()
    written, total = convert_dir(args.src, args.input, args.output, args.num_classes)
    print(f'{args.input} -> {args.output}: {written} converted, {total - written} kept')


if __name__ == '__main__':
    main()
