"""BBAM on a detector's own detections (the reference's ``BBAM_FRCNN.py`` demo): for every
detection with score above the threshold, the smallest mask that keeps it.

    python tools/bbam_demo.py configs/bbam/faster-rcnn_r101_fpn_voc.py DETECTOR.pth \
        IMAGE [IMAGE ...] --out work_dirs/bbam_demo [--score-thr 0.7] [--device cuda]
        [--cfg-options bbam.iterations=300 ...]

The detection-demo preset (``wsss_plugins/seeds/bbam.py`` ``PRESETS``: λ_L1 0.07, λ_TV 1e-3,
score > 0.7) unless the config sets ``bbam.l1_weight`` / ``bbam.tv_weight``. Writes
``<out>/<stem>.npz`` (``tools/make_bbam.py``'s format plus ``scores``) and
``<out>/<stem>.png``: the image and its detections' maps as a heat map, boxes with class
and score. Existing outputs are kept (delete them to recompute).
"""
import argparse
import os
import os.path as osp

import wsss_plugins  # noqa: F401 - registers BBAM and the adapters
from wsss_plugins.engine import add_config_args


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    add_config_args(parser, checkpoint=True)
    parser.add_argument('images', nargs='+', help='image files')
    parser.add_argument('--out', required=True, metavar='DIR', help='output directory')
    parser.add_argument('--score-thr', type=float, default=None,
                        help='detections kept (default: the preset, 0.7)')
    parser.add_argument('--device', default=None, help='default: cuda when available, else cpu')
    args = parser.parse_args()
    import numpy as np

    from wsss_plugins.apis.bbam_pass import build_bbam, heatmap_panel
    from wsss_plugins.datasets.config import dataset_classes
    from wsss_plugins.engine import default_device, load_tool_config
    from wsss_plugins.seeds.bbam import PRESETS
    from wsss_plugins.utils.image import read_rgb
    from wsss_plugins.utils.io import atomic_write

    missing = [p for p in args.images if not osp.isfile(p)]
    if missing:
        parser.error(f'no such image: {missing[0]}')
    cfg = load_tool_config(args)
    bbam = build_bbam(cfg, args.checkpoint, args.device or default_device(),
                      preset='detection_demo')
    score_thr = PRESETS['detection_demo']['score_thr'] if args.score_thr is None \
        else args.score_thr
    classes = dataset_classes(cfg)
    os.makedirs(args.out, exist_ok=True)
    for path in args.images:
        stem = osp.splitext(osp.basename(path))[0]
        npz, figure = osp.join(args.out, stem + '.npz'), osp.join(args.out, stem + '.png')
        if osp.isfile(npz) and osp.isfile(figure):
            print(f'{stem}: already there')
            continue
        img = read_rgb(path)
        boxes, labels, scores = bbam.adapter.detect(img)
        keep = scores > score_thr
        boxes, labels, scores = boxes[keep], labels[keep], scores[keep]
        result = bbam(img, boxes, labels)
        with atomic_write(npz) as f:
            np.savez_compressed(
                f, boxes=boxes, labels=labels, scores=scores,
                strides=np.array(result['strides'], np.float64),
                num_positives=np.array(result['num_positives'], np.int64),
                input_shape=np.array(result['img_shape'], np.int64),
                **{f'mask_{k}': m for k, m in enumerate(result['masks'])})
        _save_figure(figure, img, heatmap_panel(img, boxes, result['masks']), boxes,
                     [f'{classes[c + 1]} {s:.2f}' for c, s in zip(labels, scores)])
        print(f'{stem}: {len(boxes)} detections above {score_thr:g} -> {figure}')


def _save_figure(path, img, panel, boxes, captions):
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    from wsss_plugins.utils.io import atomic_save_figure
    fig, axes = plt.subplots(1, 2, figsize=(8, 4 * img.shape[0] / img.shape[1] + 0.4))
    for ax, (title, shown) in zip(axes, (('detections', img), ('BBAM maps', panel))):
        ax.imshow(shown)
        ax.set_title(title, fontsize=9)
        ax.set_axis_off()
    for (x1, y1, x2, y2), caption in zip(boxes, captions):
        axes[0].add_patch(plt.Rectangle((x1, y1), x2 - x1, y2 - y1, fill=False, color='white'))
        axes[0].text(x1, y1, caption, fontsize=7, color='white', va='bottom',
                     bbox=dict(facecolor='black', alpha=0.6, pad=1, lw=0))
    fig.tight_layout()
    atomic_save_figure(fig, path, dpi=100)
    plt.close(fig)


if __name__ == '__main__':
    main()
