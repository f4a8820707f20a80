"""ACR's reconstructions of a few images, as the seed document's Fig. A6 shows them.

    python tools/show_reconstructions.py configs/acr/acr_wr38_voc.py ACR.pth --out DIR \
        [--split train] [--num-images 4] [--dataset DATASET_CONFIG] [--device cpu]

Per image (resized to the training crop so the decoder's halvings divide it), two rows:
the image I, its target CAM A_t (the first class of the image), Î_t from the RU phase
(the target rebuilt from the remnant of the rest, SRF grid applied) and Î_t from the CU phase
(the rest rebuilt from the target region of the map); then the SRF grid g, A_nt = 1 − A_t,
and the two Î_nt. Writes ``<out>/reconstructions.png`` (kept when it exists).
"""
import argparse
import os
import os.path as osp

import wsss_plugins  # noqa: F401
from wsss_plugins.engine import add_config_args, add_split_arg


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_config_args(parser, checkpoint=True)
    parser.add_argument('--out', required=True, metavar='DIR', help='output directory')
    add_split_arg(parser, 'eval_split')
    parser.add_argument('--num-images', type=int, default=4)
    parser.add_argument('--device', default=None, help='default: cuda when available, else cpu')
    args = parser.parse_args()
    figure = osp.join(args.out, 'reconstructions.png')
    if osp.isfile(figure):
        print(f'{figure}: already there')
        return
    import numpy as np
    import torch
    from PIL import Image

    from wsss_plugins.datasets import build_split_dataset
    from wsss_plugins.datasets.config import dataset_classes, split_name
    from wsss_plugins.engine import default_device, load_tool_config
    from wsss_plugins.models.losses.acr_loss import keep_probability, remnant_grid, target_map
    from wsss_plugins.utils.checkpoint import load_model
    from wsss_plugins.utils.image import IMAGENET_MEAN, IMAGENET_STD, normalize, read_rgb

    cfg = load_tool_config(args)
    if cfg.model.type != 'ACR':
        parser.error(f'{args.config}: model type {cfg.model.type}, expected ACR')
    cfg.model.backbone.init_cfg = None  # the checkpoint holds every weight
    device = args.device or default_device()
    model = load_model(cfg, args.checkpoint, device)
    crop = tuple(cfg.crop_size)
    dataset = build_split_dataset(cfg, split_name(cfg, args.split))
    classes = dataset_classes(cfg)[1:]
    gen = torch.Generator().manual_seed(0)
    rows, titles = [], []
    for i in range(min(args.num_images, len(dataset))):
        info = dataset.get_data_info(i)
        keys = np.flatnonzero(np.asarray(info['img_labels']))
        if len(keys) == 0:
            continue
        img = np.asarray(Image.fromarray(read_rgb(info['img_path'])).resize(
            crop[::-1], Image.BICUBIC))
        x = torch.from_numpy(normalize(img))[None].to(device)
        labels = torch.as_tensor(np.asarray(info['img_labels'], np.float32))[None].to(device)
        target = torch.tensor([int(keys[0])], device=device)
        grid = remnant_grid(1, crop, keep_probability(0, model.keep_prob,
                                                      model.keep_prob_step),
                            model.remnant_cells, generator=gen, device=device)
        with torch.no_grad():
            _, (_, ru_t, ru_nt) = model.reconstructor_losses(x, labels, target, grid)
            _, (cu_t, cu_nt) = model.classifier_losses(x, labels, target)
            cam_t = target_map(model.class_maps(x), labels, target, crop)[0, 0].cpu().numpy()
        rgb = [_to_rgb(t[0].cpu().numpy(), IMAGENET_MEAN, IMAGENET_STD)
               for t in (ru_t, cu_t, ru_nt, cu_nt)]
        rows += [[img, cam_t, rgb[0], rgb[1]], [grid[0, 0].cpu().numpy(), 1 - cam_t, rgb[2],
                                                  rgb[3]]]
        titles += [['I', f'A_t ({classes[keys[0]]})', 'Î_t (RU)', 'Î_t (CU)'],
                   ['grid g (SRF)', 'A_nt', 'Î_nt (RU)', 'Î_nt (CU)']]
    if not rows:
        parser.error(f'no image with a class label among the first {args.num_images}')
    os.makedirs(args.out, exist_ok=True)
    _save(figure, rows, titles)
    print(f'{len(rows) // 2} images -> {figure}')


def _to_rgb(chw, mean, std):
    import numpy as np
    img = chw.transpose(1, 2, 0) * np.array(std) + np.array(mean)
    return (np.clip(img, 0, 1) * 255).astype(np.uint8)


def _save(path, rows, titles):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    from wsss_plugins.utils.io import atomic_save_figure
    fig, axes = plt.subplots(len(rows), 4, figsize=(8, 2.1 * len(rows)), squeeze=False)
    for r, (row, names) in enumerate(zip(rows, titles)):
        for c, (panel, name) in enumerate(zip(row, names)):
            ax = axes[r, c]
            ax.imshow(panel, cmap=None if panel.ndim == 3 else 'jet', vmin=0, vmax=1)
            ax.set_title(name, fontsize=8)
            ax.axis('off')
    fig.tight_layout()
    atomic_save_figure(fig, path, dpi=80)
    plt.close(fig)


if __name__ == '__main__':
    main()
