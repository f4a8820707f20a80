"""COCO 2014 instances json → 81-class semantic PNGs, split lists and image-level labels.

    python tools/dataset_converters/coco14.py data/coco14/annotations/instances_train2014.json \
        --out data/coco14 --split train2014
    python tools/dataset_converters/coco14.py data/coco14/annotations/instances_val2014.json \
        --out data/coco14 --split val2014

Category ids are remapped to 1..80 in ascending id order; smaller objects are painted
over larger ones; crowd regions keep their class (``--crowd ignore`` writes 255).
"""
import argparse

from wsss_plugins.datasets.converters import coco_instances_to_semantic


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('ann_file', help='instances_{train,val}2014.json')
    parser.add_argument('--out', required=True, help='output data root')
    parser.add_argument('--split', required=True, help='split name, e.g. train2014')
    parser.add_argument('--crowd', choices=['class', 'ignore'], default='class')
    parser.add_argument('--keep-empty', action='store_true',
                        help='also write images without annotations')
    args = parser.parse_args()
    names = coco_instances_to_semantic(args.ann_file, args.out, args.split, args.crowd,
                                       args.keep_empty)
    print(f'{args.split}: {len(names)} label maps written under {args.out}')


if __name__ == '__main__':
    main()
