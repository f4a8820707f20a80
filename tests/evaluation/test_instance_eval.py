"""mAP^r protocols (evaluation/instance_eval.py): hand-computed precision/recall with
duplicates, the strict vs inclusive threshold, the 255 boundary, ABO, an independent VOC AP,
COCO-style AP; InstanceSegMetric end to end on hand-made predictions."""
import numpy as np
import pytest
import torch

from wsss_plugins.evaluation.instance_eval import (average_best_overlap, coco_mask_ap,
                                                   gt_instances, instance_map_ap,
                                                   mask_iou_matrix, voc_ap)


def image(pred_labels, scores, gt_labels, ious):
    return dict(pred_labels=np.array(pred_labels), pred_scores=np.array(scores, float),
                gt_labels=np.array(gt_labels), ious=np.array(ious, float).reshape(
                    len(pred_labels), len(gt_labels)))


# Image 1: class 1 with two GTs and three predictions, one a duplicate of the first GT.
# Image 2: a class-2 GT nobody predicts; a class-3 prediction without any class-3 GT.
IMAGES = [image([1, 1, 1], [0.9, 0.8, 0.7], [1, 1], [[0.8, 0.3], [0.7, 0.6], [0.1, 0.55]]),
          image([3], [0.95], [2], [[0.0]])]


def test_sds_matches_the_best_uncovered_gt_and_chainercv_counts_taken_gts_as_false():
    # SDS: p0 -> g0, p1 -> g1 (g0 covered), p2 -> nothing left: TP TP FP, AP 1.
    # chainercv: p0 -> g0, p1 -> g0 again (taken: FP), p2 -> g1: TP FP TP,
    # AP = 0.5 * 1 + 0.5 * 2/3.
    sds = instance_map_ap(IMAGES, 4, [0.5], 'sds')[0.5]
    cv = instance_map_ap(IMAGES, 4, [0.5], 'chainercv')[0.5]
    assert sds[1][0] == pytest.approx(1.0) and cv[1][0] == pytest.approx(0.5 + 1 / 3)
    # class 2: one GT, no prediction -> 0; classes 3 (predictions, no GT) and 4: NaN, left out
    assert sds[1][1] == 0 and np.isnan(sds[1][2]) and np.isnan(sds[1][3])
    assert sds[0] == pytest.approx(0.5) and cv[0] == pytest.approx((0.5 + 1 / 3) / 2)


def test_sds_threshold_is_strict_and_chainercv_inclusive():
    at = [image([1], [0.9], [1], [[0.5]])]
    assert instance_map_ap(at, 1, [0.5], 'sds')[0.5][0] == 0
    assert instance_map_ap(at, 1, [0.5], 'chainercv')[0.5][0] == 1


def test_boundary_pixels_are_removed_under_sds_and_cost_iou_under_chainercv():
    gt = np.zeros((1, 6, 6), bool)
    gt[0, 1:4, 1:4] = True  # 9 pixels
    ignore = np.zeros((6, 6), bool)
    ignore[0, :] = ignore[4, :] = True  # the boundary ring rows
    pred = np.zeros((1, 6, 6), bool)
    pred[0, 0:5, 1:4] = True  # the instance + 6 boundary pixels
    assert mask_iou_matrix(pred, gt, ignore, 'sds')[0, 0] == 1.0
    assert mask_iou_matrix(pred, gt, ignore, 'chainercv')[0, 0] == pytest.approx(9 / 15)


def test_gt_instances_take_the_majority_class_and_skip_unlabelled_values():
    inst = np.array([[1, 1, 255, 2], [1, 1, 0, 2]], np.uint8)
    cls = np.array([[3, 3, 255, 5], [3, 255, 0, 5]], np.uint8)
    masks, labels = gt_instances(inst, cls)
    assert labels.tolist() == [3, 5] and masks.sum((1, 2)).tolist() == [4, 2]


def test_abo_is_the_mean_best_overlap_of_every_gt():
    images = [image([1, 2], [0.9, 0.8], [1, 1], [[0.8, 0.1], [0.2, 0.4]]),
              image([], [], [2], np.zeros((0, 1)))]
    assert average_best_overlap(images) == pytest.approx((0.8 + 0.4 + 0.0) / 3)


def devkit_ap(tp, n_gt):
    """VOCdevkit VOCevaldet.m, loop by loop."""
    fp = [1 - t for t in tp]
    tp_c, fp_c, rec, prec = 0, 0, [], []
    for t, f in zip(tp, fp):
        tp_c, fp_c = tp_c + t, fp_c + f
        rec.append(tp_c / n_gt)
        prec.append(tp_c / (tp_c + fp_c))
    mrec, mpre = [0] + rec + [1], [0] + prec + [0]
    for i in range(len(mpre) - 2, -1, -1):
        mpre[i] = max(mpre[i], mpre[i + 1])
    return sum((mrec[i] - mrec[i - 1]) * mpre[i] for i in range(1, len(mrec))
               if mrec[i] != mrec[i - 1])


def naive_sds(images, label, t):
    """The SDS rule written per GT list, for the random comparison."""
    preds = sorted([(-im['pred_scores'][p], i, p) for i, im in enumerate(images)
                    for p in range(len(im['pred_labels'])) if im['pred_labels'][p] == label])
    taken = {i: set() for i in range(len(images))}
    tp = []
    for _, i, p in preds:
        im = images[i]
        options = [(im['ious'][p, g], g) for g in range(len(im['gt_labels']))
                   if im['gt_labels'][g] == label and g not in taken[i]]
        best = max(options, default=(-1, None), key=lambda o: o[0])
        tp.append(int(best[0] > t))
        if best[0] > t:
            taken[i].add(best[1])
    return tp, sum(int((im['gt_labels'] == label).sum()) for im in images)


def test_voc_ap_and_sds_map_agree_with_independent_implementations():
    rng = np.random.default_rng(0)
    for _ in range(30):
        tp = list(rng.integers(0, 2, rng.integers(1, 15)))
        n_gt = max(sum(tp), 1) + int(rng.integers(0, 3))
        cum = np.cumsum(tp)
        assert voc_ap(cum / n_gt, cum / np.arange(1, len(tp) + 1)) == pytest.approx(
            devkit_ap(tp, n_gt))
    for _ in range(10):
        images = []
        for _ in range(4):
            n_p, n_g = rng.integers(0, 5), rng.integers(0, 4)
            images.append(image(rng.integers(1, 3, n_p), rng.random(n_p),
                                rng.integers(1, 3, n_g), rng.random((n_p, n_g))))
        got = instance_map_ap(images, 2, [0.5], 'sds')[0.5][1]
        for label in (1, 2):
            tp, n_gt = naive_sds(images, label, 0.5)
            if n_gt:
                assert got[label - 1] == pytest.approx(devkit_ap(tp, n_gt))
            else:
                assert np.isnan(got[label - 1])


def test_coco_style_ap_at_custom_thresholds():
    gt = np.zeros((1, 20, 20), bool)
    gt[0, 0:10, 0:10] = True
    pred = np.zeros((1, 20, 20), bool)
    pred[0, 0:10, 0:6] = True  # IoU 0.6
    ap = coco_mask_ap([dict(shape=(20, 20), gt_masks=gt, gt_labels=[1], pred_masks=pred,
                            pred_labels=[1], pred_scores=[0.9])], 1, (0.25, 0.5, 0.7))
    assert ap[0.25] == pytest.approx(1.0) and ap[0.5] == pytest.approx(1.0)
    assert ap[0.7] == 0


def test_instance_seg_metric_scores_hand_made_predictions(tmp_path):
    """Two GT instances (one with a boundary), a perfect prediction of the first, a wrong-class
    prediction of the second: AP 1 for class 1, 0 for class 2 -> mAP^r 50 at every threshold."""
    from mmengine.structures import InstanceData
    from PIL import Image

    from wsss_plugins.evaluation import InstanceSegMetric
    for sub in ('SegmentationObject', 'SegmentationClass'):
        (tmp_path / sub).mkdir()
    inst = np.zeros((20, 20), np.uint8)
    inst[2:8, 2:8], inst[10:18, 10:18] = 1, 2
    inst[9, 10:18] = 255
    cls = np.where(inst == 1, 1, np.where(inst == 2, 2, 0)).astype(np.uint8)
    cls[inst == 255] = 255
    Image.fromarray(inst).save(tmp_path / 'SegmentationObject' / 'a.png')
    Image.fromarray(cls).save(tmp_path / 'SegmentationClass' / 'a.png')
    metric = InstanceSegMetric(data_root=str(tmp_path), prediction_dir=str(tmp_path / 'pred'))
    metric.dataset_meta = dict(classes=('cat', 'dog'))
    pred = InstanceData(masks=torch.as_tensor(np.stack([inst == 1, inst == 2])),
                        labels=torch.tensor([0, 0]), scores=torch.tensor([0.9, 0.8]),
                        bboxes=torch.zeros(2, 4))
    metric.process({}, [dict(img_path=str(tmp_path / 'a.jpg'), pred_instances=pred)])
    result = metric.compute_metrics(metric.results)
    for t in (25, 50, 70, 75):
        assert result[f'sds_mAPr_{t}'] == pytest.approx(50.0)
        assert result[f'chainercv_mAPr_{t}'] == pytest.approx(50.0)
        assert result[f'coco_style_AP_{t}'] == pytest.approx(50.0)
    assert result['ABO'] == pytest.approx(100.0)
    # the class map of the predictions: both masks predicted as class 1 (cat)
    drawn = np.asarray(Image.open(tmp_path / 'pred' / 'a.png'))
    np.testing.assert_array_equal(drawn, np.where((inst == 1) | (inst == 2), 1, 0))


def test_test_time_crf_needs_soft_masks(tmp_path):
    from mmengine.structures import InstanceData

    from wsss_plugins.evaluation import InstanceSegMetric
    metric = InstanceSegMetric(data_root=str(tmp_path), test_crf=True)
    pred = InstanceData(masks=torch.zeros(1, 4, 4, dtype=torch.bool), labels=torch.tensor([0]),
                        scores=torch.tensor([0.9]), bboxes=torch.zeros(1, 4))
    with pytest.raises(ValueError, match='mask_thr_binary=-1'):
        metric._pred_masks(pred, 'a.jpg')
