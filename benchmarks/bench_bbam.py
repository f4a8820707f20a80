"""BBAM seconds per box, the boxes of an image optimised together vs one at a time, and the
max abs difference of their masks (issue 12).

    python benchmarks/bench_bbam.py [--config MMDET_CONFIG] [--checkpoint CKPT] \
        [--iterations 20] [--scale 3] [--device cpu] [--cfg-options k=v ...]

Default detector: MMDetection's Faster R-CNN FPN base with a random ResNet-18 and the toy
set's 4 classes (the speed does not depend on the weights); each box's class is the one the
detector predicts for it and every proposal of that class counts (τ = −1), so the loop does
its full work. The image is a toy sample (tools/make_toy_dataset.py's renderer) ``--scale``
times larger, with its objects' boxes.
"""
import argparse
import os.path as osp
import time

import numpy as np
import torch
from mmengine.config import Config, DictAction


def parse_args():
    import mmdet
    default = osp.join(osp.dirname(mmdet.__file__), '.mim', 'configs', '_base_', 'models',
                       'faster-rcnn_r50_fpn.py')
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--config', default=default)
    parser.add_argument('--checkpoint')
    parser.add_argument('--iterations', type=int, default=20)
    parser.add_argument('--proposals', type=int, default=200)
    parser.add_argument('--scale', type=float, default=3.0)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--record', action='store_true', help='store the rows for make_table.py')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={
        'model.backbone.depth': 18, 'model.backbone.init_cfg': None,
        'model.neck.in_channels': [64, 128, 256, 512],
        'model.roi_head.bbox_head.num_classes': 4})
    return parser.parse_args()


def main():
    args = parse_args()
    from PIL import Image

    from wsss_plugins.datasets.toy import render_sample
    from wsss_plugins.models.detection import MMDetTwoStageAdapter
    from wsss_plugins.seeds.bbam import BBAM
    cfg = Config.fromfile(args.config)
    cfg.merge_from_dict(args.cfg_options)
    torch.manual_seed(0)
    adapter = MMDetTwoStageAdapter.from_config(cfg, args.checkpoint, args.device,
                                               test_scale=(1333, 800))
    rgb, _, _, objects = next(render_sample(i) for i in range(100)
                              if len(render_sample(i)[3]) >= 2)
    size = (round(rgb.shape[1] * args.scale), round(rgb.shape[0] * args.scale))
    img = np.asarray(Image.fromarray(rgb).resize(size, Image.BICUBIC))
    boxes = np.array([o['bbox'] for o in objects], np.float32) * args.scale
    prep = adapter.prepare(img, boxes)
    with torch.no_grad():
        scores = adapter.box_outputs(prep['inputs'], [prep['boxes']])[0]
    labels = scores[:, :adapter.num_classes].argmax(1).tolist()
    results = {}
    for name, batch in (('one box at a time', 1), ('boxes together', None)):
        bbam = BBAM(adapter, num_proposals=args.proposals, thresholds=(-1.0, ),
                    iterations=args.iterations, batch_size=batch)
        start = time.perf_counter()
        results[name] = bbam(img, boxes, labels)
        results[name]['seconds'] = time.perf_counter() - start
    one, together = results['one box at a time'], results['boxes together']
    diff = max(np.abs(a - b).max() for a, b in zip(one['masks'], together['masks']))
    print(f'{len(boxes)} boxes, image {img.shape[1]}x{img.shape[0]} → network input '
          f'{prep["img_shape"][1]}x{prep["img_shape"][0]}, {args.iterations} iterations, '
          f'{args.proposals} proposals, positives {together["num_positives"]}, '
          f'{torch.get_num_threads()} threads, {args.device}')
    print(f'{"mode":20s} {"s/box":>8s} {"ratio":>6s}')
    for name, res in results.items():
        print(f'{name:20s} {res["seconds"] / len(boxes):8.2f} '
              f'{one["seconds"] / res["seconds"]:5.2f}x')
    print(f'max |mask difference| {diff:.2e}')
    if args.record:
        from common import record
        record('BBAM', [dict(
            benchmark=f'BBAM {len(boxes)} boxes, {args.iterations} iterations, s/box: '
                      'one box at a time vs boxes together',
            reference=round(one['seconds'] / len(boxes), 3),
            ours=round(together['seconds'] / len(boxes), 3),
            ratio=round(one['seconds'] / together['seconds'], 2),
            max_abs_diff=float(f'{diff:.2g}'))], torch.get_num_threads(), args.device)


if __name__ == '__main__':
    main()
