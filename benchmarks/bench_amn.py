"""AMN seeds: the reference mode (the trained model as it is) vs the optimized mode (its
inference copy: BN folded, oneDNN-packed stages), seconds per image and max abs difference
(issue 19).  Synthetic images get synthetic stage-1 IR labels (a temporary directory).
Without ``--checkpoint`` the classifier of the random model is scaled so that its logits
span ±10 as a trained AMN's do: a random AMN's logits span ±0.02, its class probabilities
a 1e-4 range, and the per-channel min-max normalisation of the seeds would amplify float
rounding 10,000-fold (the logits themselves agree to 1e-8).

    python benchmarks/bench_amn.py [--config configs/amn/amn_r50_voc.py] [--size 101x83] \
        [--num-images 4] [--threads 1] [--ablation] [--record]
"""
import atexit
import os.path as osp
import shutil
import tempfile

import numpy as np
from PIL import Image

import seed_bench


def ir_labels(cfg, images):
    """A directory of IR label PNGs for the images (bg / class / uncertain bands)."""
    root = tempfile.mkdtemp(prefix='bench_amn_')
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    for img, keys, info in images:
        h, w = img.shape[:2]
        label = np.zeros((h, w), np.uint8)
        label[:, w // 3:] = keys[0] + 1
        label[:, 2 * w // 3:] = 255
        name = osp.splitext(osp.basename(info['img_path']))[0]
        Image.fromarray(label).save(osp.join(root, name + '.png'))
    return dict(ir_label_dir=root)


def trained_logit_range(model):
    import torch
    probe = torch.randn(2, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    labels = torch.ones(2, model.num_fg_classes)
    with torch.no_grad():
        peak = model.logits(probe, labels).abs().max()
        for conv in model.decode_head.convs:  # DeepLab-v2's ASPP: a sum of convolutions
            conv.weight.mul_(10 / peak)
            if conv.bias is not None:
                conv.bias.mul_(10 / peak)


if __name__ == '__main__':
    args = seed_bench.parse_args(__doc__, 'configs/amn/amn_r50_voc.py').parse_args()
    seed_bench.run('AMN seeds', 'AMN', seed_bench.optimized_variants(
        args, [(), ('fold_bn', ), ('onednn', )]), args, make_options=ir_labels,
        prepare_model=trained_logit_range)
