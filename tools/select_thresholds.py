"""Choose the seed, IR-label and random-walk thresholds on a calibration split, never on
the split that is reported (the references tune on it: methods.md §7).

    python tools/select_thresholds.py split CONFIG --out DIR [--num-images 100] [--seed 0]
    python tools/select_thresholds.py seed CONFIG --seeds SEEDS --calibration DIR/calibration.txt \\
        --protocol irn --out DIR
    python tools/select_thresholds.py ir_label CONFIG --seeds SEEDS --calibration LIST \\
        --selected SEED_DIR/thresholds.json --out DIR
    python tools/select_thresholds.py random_walk IRN_CONFIG IRN.pth --seeds SEEDS \\
        --calibration LIST --selected IR_DIR/thresholds.json --out DIR

split        CALIBRATION_IMAGES names of the training split (VOC train_aug) outside every
             other split of the dataset (VOC: train, the evaluation split, and val), drawn
             with --seed: DIR/calibration.txt + calibration.json. Like the wsolevaluation
             protocol (Choe et al., CVPR 2020): a few labelled held-out images for tuning.
seed         background threshold of the seeds, searched over 0.05-0.60 step 0.01; score:
             seed mIoU on the calibration images (argmax over [threshold, maps], as IRN's
             eval_cam). Ties: the lower threshold.
ir_label     IRN's pair conf_fg > t > conf_bg around the selected seed threshold t:
             conf_fg = t + 0.05..0.30 (step 0.05, at most 1), conf_bg = t - 0..0.15 (step
             0.05, above 0), plus the preset pair; score: accuracy of the confident (non-255)
             pixels of the IR labels, among the pairs whose coverage (share of labelled
             pixels) is at least --min-coverage (default: the preset pair's coverage on the
             same images). Ties: more coverage.
random_walk  background threshold 0.05-0.60 (step 0.01) x CAM power {1.0, 1.3, 1.5, the
             preset's} of IRN's random walk with the trained IRN; score: pseudo-mask mIoU
             on the calibration images (one walk per image and power). With --split instead
             of --calibration: the same grid scored on that split for the report (the
             robustness figure), nothing selected.

Each command writes DIR/curve.json (the metric against every value tried), DIR/curve.png
and DIR/thresholds.json: {protocol, calibration, preset, selected}, ``selected`` holding
what this and the earlier commands (--selected) chose. tools/eval_seeds.py,
tools/make_ir_labels.py and tools/make_pseudo_labels.py read it with --thresholds. Only
the calibration images' ground truth is read (the evaluation split's labels may be
absent).
"""
import argparse
import json
import os
import os.path as osp

import wsss_plugins  # noqa: F401 - registers the datasets
from wsss_plugins.engine import add_config_args
from wsss_plugins.utils.protocols import PROTOCOLS


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest='command', required=True)
    split = add_config_args(commands.add_parser('split', help='write the calibration split'))
    split.add_argument('--num-images', type=int, default=100,
                       help='calibration images (default 100, as VOC: ~1%% of train_aug)')
    split.add_argument('--seed', type=int, default=0, help='seed of the draw (default 0)')
    split.add_argument('--out', required=True, metavar='DIR')
    for name, checkpoint in (('seed', False), ('ir_label', False), ('random_walk', True)):
        sub = add_config_args(commands.add_parser(name, help=f'select the {name} thresholds'),
                              checkpoint=checkpoint)
        sub.add_argument('--seeds', required=True, metavar='DIR', help='seed directory')
        where = sub.add_mutually_exclusive_group(required=True)
        where.add_argument('--calibration', metavar='LIST',
                           help='calibration.txt written by the split command')
        if name == 'random_walk':
            where.add_argument('--split', help='score the grid on this split (or role) for '
                                                'the report; selects nothing')
        sub.add_argument('--protocol', default='irn', choices=sorted(PROTOCOLS),
                         help='the method whose presets are compared (default irn)')
        sub.add_argument('--selected', metavar='JSON',
                         help='thresholds.json of the previous selection')
        sub.add_argument('--out', required=True, metavar='DIR')
        if name == 'ir_label':
            sub.add_argument('--min-coverage', type=float,
                             help="coverage floor (default: the preset pair's coverage)")
        if name == 'random_walk':
            sub.add_argument('--device', help='device of the IRN (default: cuda if available)')
    return parser.parse_args()


def main():
    args = parse_args()
    from wsss_plugins.engine import load_tool_config
    cfg = load_tool_config(args)
    if args.command == 'split':
        from wsss_plugins.datasets.calibration import (make_calibration_split,
                                                       write_calibration_split)
        record = make_calibration_split(cfg, args.num_images, args.seed)
        os.makedirs(args.out, exist_ok=True)
        path = write_calibration_split(record, args.out)
        print(f'{len(record["names"])} calibration images of {record["source"]} (outside '
              f'{", ".join(record["excluded_splits"])}; pool {record["pool_size"]}, seed '
              f'{record["seed"]}) written to {path}')
        return
    select(args, cfg)


def select(args, cfg):
    from wsss_plugins.apis import calibration as cal
    from wsss_plugins.datasets.calibration import CALIBRATION_SPLIT, with_calibration_split
    from wsss_plugins.utils import atomic_write

    previous = _read_json(args.selected) if args.selected else {}
    if previous and previous.get('protocol') != args.protocol:
        raise ValueError(f'{args.selected}: selected under protocol '
                         f'{previous.get("protocol")!r}, this command uses {args.protocol!r}')
    preset = cal.preset_values(args.protocol)
    selected = dict(previous.get('selected', {}))
    if args.calibration:
        cfg, split = with_calibration_split(cfg, args.calibration), CALIBRATION_SPLIT
    else:
        split = args.split
    dataset, items = cal.calibration_items(cfg, split, args.seeds)
    classes = dataset.metainfo['classes']
    if args.command == 'seed':
        curve, chosen = cal.select_seed_threshold(args.seeds, items, classes)
    elif args.command == 'ir_label':
        center = _need(selected, 'seed_threshold', args)
        curve, chosen = cal.select_ir_thresholds(
            args.seeds, items, len(classes), center, (preset['conf_fg'], preset['conf_bg']),
            cam_power=preset['ir_cam_power'], min_coverage=args.min_coverage)
    else:
        from wsss_plugins.engine import default_device
        from wsss_plugins.utils.checkpoint import load_model
        model = load_model(cfg, args.checkpoint, args.device or default_device())
        powers = tuple(sorted(set(cal.RW_POWERS) | {preset['rw_cam_power']}))
        curve, chosen = cal.select_random_walk(model, args.seeds, items, len(classes), powers)
        if not args.calibration:  # the report's curve on another split: nothing chosen
            chosen = {}
    curve.update(command=args.command, split=split, calibration=args.calibration,
                 preset=dict(curve.get('preset', {}), **{k: preset[k] for k in preset}),
                 selected=chosen)
    os.makedirs(args.out, exist_ok=True)
    with atomic_write(osp.join(args.out, 'curve.json'), 'w') as f:
        json.dump(curve, f, indent=1)
    plot_selection(curve, osp.join(args.out, 'curve.png'))
    if args.calibration:
        selected.update(chosen)
        with atomic_write(osp.join(args.out, 'thresholds.json'), 'w') as f:
            json.dump(dict(protocol=args.protocol, calibration=osp.abspath(args.calibration),
                           preset=preset, selected=selected), f, indent=1)
    shown = ', '.join(f'{k} {v:g} (preset {preset[k]:g})' for k, v in chosen.items())
    print(f'{args.command}: {shown or "curve only"} on {len(items)} images of {split}; '
          f'written to {args.out}')


def _need(selected, key, args):
    if key not in selected:
        raise ValueError(f'{args.command} needs {key!r} from an earlier selection: pass '
                         '--selected <seed selection>/thresholds.json')
    return selected[key]


def _read_json(path):
    if not osp.isfile(path):
        raise FileNotFoundError(f'thresholds file not found: {path}')
    with open(path) as f:
        return json.load(f)


def plot_selection(curve, path):
    """The selection's curve: seed mIoU / IR-label accuracy-coverage / pseudo-mask mIoU
    against the thresholds, the preset and the selected values marked."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from wsss_plugins.utils.io import atomic_save_figure
    preset, chosen = curve['preset'], curve['selected']
    fig, ax = plt.subplots(figsize=(5.5, 3.8), dpi=100)
    where = f'{curve["num_images"]} images of {curve["split"]}'
    if curve['command'] == 'seed':
        ax.plot(curve['thresholds'], [100 * v for v in curve['mIoU']], marker='.')
        ax.axvline(preset['seed_threshold'], color='grey', ls='--', lw=1, label='preset')
        ax.axvline(chosen['seed_threshold'], color='C3', ls=':', lw=1.5, label='selected')
        ax.set(xlabel='seed background threshold', ylabel='seed mIoU (%)',
               title=f'Seed threshold on {where}')
    elif curve['command'] == 'ir_label':
        pairs = curve['pairs']
        ax.scatter([100 * p['coverage'] for p in pairs], [100 * p['accuracy'] for p in pairs],
                   s=14, label='candidate pairs')
        for label, entry, marker in (('preset', curve['preset'], 's'),
                                     ('selected', next(p for p in pairs if
                                                       p['conf_fg'] == chosen['conf_fg'] and
                                                       p['conf_bg'] == chosen['conf_bg']), '*')):
            ax.scatter([100 * entry['coverage']], [100 * entry['accuracy']], marker=marker,
                       s=90, label=f'{label} {entry["conf_fg"]:g}/{entry["conf_bg"]:g}')
        ax.axvline(100 * curve['min_coverage'], color='grey', ls=':', lw=1,
                   label='coverage floor')
        ax.set(xlabel='IR labels: labelled pixels (%)',
               ylabel='accuracy of the confident pixels (%)',
               title=f'IR-label pairs around {curve["center"]:g} on {where}')
    else:
        for power, miou in zip(curve['powers'], curve['mIoU']):
            ax.plot(curve['thresholds'], [100 * v for v in miou], label=f'CAM power {power:g}')
        ax.axvline(preset['rw_bg_threshold'], color='grey', ls='--', lw=1, label='preset')
        if chosen:
            ax.axvline(chosen['rw_bg_threshold'], color='C3', ls=':', lw=1.5,
                       label=f'selected (power {chosen["rw_cam_power"]:g})')
        ax.set(xlabel='random-walk background threshold', ylabel='pseudo-mask mIoU (%)',
               title=f'Random walk on {where}')
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    atomic_save_figure(fig, path)
    plt.close(fig)


if __name__ == '__main__':
    main()
