"""Write the deterministic synthetic toy dataset in the PASCAL VOC layout.

    python tools/make_toy_dataset.py --out data/toy_voc
    python tools/make_toy_dataset.py --out data/toy_context --context   # W-OoD's variant
"""
import argparse

from wsss_plugins.datasets.toy import SPLITS, make_toy_dataset


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--out', default='data/toy_voc', help='output directory')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--num-train-aug', type=int, default=SPLITS['train_aug'])
    parser.add_argument('--num-val', type=int, default=SPLITS['val'])
    parser.add_argument('--context', action='store_true',
                        help="W-OoD's context variant: class-correlated bands, ContextMask/, "
                             'and OoD images in ood/')
    args = parser.parse_args()
    names = make_toy_dataset(args.out, seed=args.seed,
                             splits=dict(train_aug=args.num_train_aug, val=args.num_val),
                             context=args.context)
    print(f'toy dataset written to {args.out}: ' +
          ', '.join(f'{k} {len(v)}' for k, v in names.items()))


if __name__ == '__main__':
    main()
