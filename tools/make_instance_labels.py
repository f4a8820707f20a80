"""Seeds + trained IRN → pseudo instance masks by IRN's instance pass (irn_instances.md).

    python tools/make_instance_labels.py configs/irn/irn_r50_voc.py IRN.pth --seeds SEED_DIR \
        --out work_dirs/voc/instances [--split train_aug] [--baseline] \
        [--dataset DATASET_CONFIG] [--device cuda] [--measure-displacement-mean]

Writes ``OUT/<name>.npy`` (IRN's ``dict(score, mask, class)``), skipping images already
written (resumable), then ``OUT/instances.json`` (COCO, RLE masks: a Mask R-CNN
``ann_file``). ``--baseline`` adds the same pass without the displacement field: one
instance per connected component of the semantic pseudo mask, scored by the same rule
(``OUT/components/``, ``OUT/components.json``). Score them with
``tools/eval_instances.py CONFIG --instances OUT --split train``. The parameters are IRN's
unless the config's ``instance_pass`` dict or the options below set them.
"""
import argparse

from wsss_plugins.apis.instance_pass import generate_instance_labels
from wsss_plugins.datasets.config import split_name
from wsss_plugins.engine import (add_pass_args, default_device, init_pass_launcher,
                                 load_tool_config, split_displacement_mean)
from wsss_plugins.refine.instances import INSTANCE_PASS_DEFAULTS
from wsss_plugins.refine.random_walk import RW_METHODS
from wsss_plugins.utils.checkpoint import load_model
from wsss_plugins.utils.protocols import PROTOCOLS


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    add_pass_args(parser, checkpoint=True, seeds=True, device=True)
    parser.add_argument('--baseline', action='store_true',
                        help='also write the baseline without the displacement field (one '
                             'instance per connected component of the semantic pseudo mask)')
    parser.add_argument('--preset', default='irn', choices=sorted(PROTOCOLS),
                        help="the seeds' CAM power before the walk (the random_walk preset)")
    parser.add_argument('--bg-threshold', type=float, help="IRN's ins_seg_bg_thres (0.25)")
    parser.add_argument('--iterations', type=int, help='centroid refinement steps (300)')
    parser.add_argument('--cluster-threshold', type=float,
                        help='weak-displacement threshold of the clustering (2.5)')
    parser.add_argument('--min-fragment', type=float,
                        help='fragments smaller than this share of the image score 0 (0.01)')
    parser.add_argument('--beta', type=float, help='random walk beta (10)')
    parser.add_argument('--exp-times', type=int, help='T^(2^exp_times) (8)')
    parser.add_argument('--radius', type=int, help='random walk radius (5)')
    parser.add_argument('--method', choices=RW_METHODS, help='random walk (sparse)')
    parser.add_argument('--measure-displacement-mean', action='store_true',
                        help='measure the displacement mean over the training split first '
                             '(a checkpoint trained without DisplacementMeanHook)')
    parser.add_argument('--non-strict', action='store_true',
                        help='load a checkpoint whose keys or shapes do not all fit the model')
    args = parser.parse_args()
    init_pass_launcher(args.launcher)  # torchrun: the images are sharded over the ranks
    cfg = load_tool_config(args)
    model = load_model(cfg, args.checkpoint, args.device or default_device(),
                       strict=not args.non_strict)
    if args.measure_displacement_mean:
        mean, split, count = split_displacement_mean(model, cfg)
        print(f'displacement mean over {count} images of {split}: {mean.tolist()}')
    # the reference's values, then the config's `instance_pass`, then the command line
    params = dict(INSTANCE_PASS_DEFAULTS,
                  cam_power=PROTOCOLS[args.preset]['random_walk']['cam_power'])
    own = dict(cfg.get('instance_pass', {}))
    unknown = set(own) - set(params)
    if unknown:
        raise KeyError(f'{args.config}: instance_pass has unknown key(s) {sorted(unknown)}; '
                       f'the keys are {", ".join(params)}')
    params.update(own)
    params.update({k: getattr(args, k) for k in INSTANCE_PASS_DEFAULTS
                   if getattr(args, k, None) is not None})
    count = generate_instance_labels(model, cfg, split_name(cfg, args.split), args.seeds,
                                     args.out, baseline=args.baseline,
                                     checkpoint=args.checkpoint, **params)
    if count is not None:
        print(f'{args.out}/instances.json: {count} instances')


if __name__ == '__main__':
    main()
