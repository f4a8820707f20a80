"""SBD (.mat) → VOC ``SegmentationClassAug`` PNGs and ``train_aug.txt`` (10,582 ids).

    python tools/dataset_converters/voc_aug.py data/VOCdevkit/VOC2012 data/benchmark_RELEASE
"""
import argparse

from wsss_plugins.datasets.converters import sbd_to_voc_aug


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('voc_root', help='VOCdevkit/VOC2012')
    parser.add_argument('sbd_root', help='SBD benchmark_RELEASE (holds dataset/cls/*.mat)')
    args = parser.parse_args()
    names = sbd_to_voc_aug(args.voc_root, args.sbd_root)
    print(f'train_aug: {len(names)} images (10,582 for the standard VOC 2012 + SBD)')


if __name__ == '__main__':
    main()
