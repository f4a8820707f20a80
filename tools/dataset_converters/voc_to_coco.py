"""VOC XML boxes (and, with --masks, the SegmentationObject masks) → COCO-format json for
MMDetection's CocoDataset.

    python tools/dataset_converters/voc_to_coco.py data/VOCdevkit/VOC2012 \
        ImageSets/Segmentation/train_aug.txt --out data/VOCdevkit/VOC2012/voc_train_aug.json
    python tools/dataset_converters/voc_to_coco.py data/VOCdevkit/VOC2012 \
        ImageSets/Segmentation/val.txt --masks --out data/VOCdevkit/VOC2012/voc_val.json
    python tools/dataset_converters/voc_to_coco.py data/toy_voc \
        ImageSets/Segmentation/train.txt --classes toy --out data/toy_voc/boxes_train.json
"""
import argparse
import os.path as osp

from wsss_plugins.datasets import TOY_CLASSES, VOC_CLASSES
from wsss_plugins.datasets.converters import voc_xml_to_coco


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('voc_root')
    parser.add_argument('split_file', help='list file, relative to voc_root')
    parser.add_argument('--out', required=True)
    parser.add_argument('--classes', choices=['voc', 'toy'], default='voc')
    parser.add_argument('--masks', action='store_true',
                        help='add each object\'s mask from SegmentationObject (COCO mask AP)')
    args = parser.parse_args()
    classes = VOC_CLASSES if args.classes == 'voc' else TOY_CLASSES
    coco = voc_xml_to_coco(args.voc_root, osp.join(args.voc_root, args.split_file), classes,
                           args.out, with_masks=args.masks)
    print(f'{len(coco["images"])} images, {len(coco["annotations"])} boxes → {args.out}')


if __name__ == '__main__':
    main()
