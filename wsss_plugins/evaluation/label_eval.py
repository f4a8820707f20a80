"""mIoU of a directory of label PNGs (IR labels, pseudo labels) against ground truth."""
import os.path as osp

import numpy as np
from PIL import Image

from .confusion import ConfusionMatrix


def evaluate_label_dir(items, label_dir, num_classes, class_names=None):
    """mIoU of ``<label_dir>/<name>.png`` against GT, plus for IR labels the share of
    uncertain (255) pixels and the accuracy of the confident ones."""
    matrix = ConfusionMatrix(num_classes)
    uncertain = confident = correct = 0
    for item in items:
        path = osp.join(label_dir, item['name'] + '.png')
        pred = np.asarray(Image.open(path))
        gt = np.asarray(Image.open(item['seg_map_path']))
        if pred.shape != gt.shape:
            raise ValueError(f'{path}: size {pred.shape} differs from ground truth '
                             f'{item["seg_map_path"]} {gt.shape}')
        matrix.update(pred, gt)
        valid = gt != 255
        sure = valid & (pred != 255)
        uncertain += int((valid & (pred == 255)).sum())
        confident += int(sure.sum())
        correct += int((pred[sure] == gt[sure]).sum())
    metrics = matrix.metrics(class_names)
    metrics['uncertain_fraction'] = uncertain / max(uncertain + confident, 1)
    metrics['confident_accuracy'] = correct / max(confident, 1)
    return metrics
