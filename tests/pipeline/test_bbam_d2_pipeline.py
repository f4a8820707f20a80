"""Integration: the toy BBAM pipeline in Detectron2 (configs/pipelines/bbam_d2_toy.py, run once
by tests/fixtures_pipeline.py): a Detectron2 Faster R-CNN trained by tools/d2_train.py, BBAM
through the Detectron2 adapter, the shared label pass, and Detectron2 Mask R-CNNs on the BBAM
instances (seed-growing head, ignore regions from the th 0.2 json) and on the filled boxes,
scored by the MMDetection path's instance metric.

Measured on this toy set (60 train_aug / 20 val; the README has the numbers): the floors
below sit a few points under them.
"""
import os
import os.path as osp

from fixtures_pipeline import BBAM_TOY_SPLITS, MAPR50_TIE, read_json as _json

DETECTOR_AP_FLOOR = 50.0  # toy val box AP (COCO, %)
INSTANCE_MARGIN = 0.12  # BBAM instances over the filled boxes, mean IoU with the GT instances
MASK_RCNN_MAPR50_FLOOR = 80.0  # toy val SDS mAP^r@0.5 of Mask R-CNN on BBAM instances (%)
MASK_RCNN_MAPR75_MARGIN = 10.0  # ... over the filled-box Mask R-CNN at 0.75 (points)


def test_bbam_through_the_detectron2_adapter_beats_the_filled_boxes(bbam_d2_pipeline):
    stage = bbam_d2_pipeline['stage']
    n = BBAM_TOY_SPLITS['train_aug']
    assert _json(osp.join(stage('detector_test'), 'test_metrics.json'))['bbox/AP'] > \
        DETECTOR_AP_FLOOR
    assert sum(f.endswith('.npz') for f in os.listdir(stage('bbam'))) == n
    report = _json(osp.join(stage('bbam_labels'), 'report.json'))
    assert report['num_images'] == report['instance_images'] == n
    assert report['instance_mean_iou'] > report['box_instance_mean_iou'] + INSTANCE_MARGIN
    assert report['semantic']['mIoU'] > report['box_semantic']['mIoU'] + INSTANCE_MARGIN


def test_detectron2_mask_rcnn_on_bbam_masks_beats_the_filled_boxes(bbam_d2_pipeline):
    """Detectron2's trainer with our registered head and the ignore regions; the same
    metric keys as the MMDetection path, and Detectron2's COCO mask AP beside them."""
    stage, work_dir = bbam_d2_pipeline['stage'], bbam_d2_pipeline['work_dir']
    bbam, box = (_json(osp.join(stage(f'{name}_test'), 'test_metrics.json'))
                 for name in ('mask_rcnn', 'mask_rcnn_box'))
    assert bbam['instance/sds_mAPr_50'] > MASK_RCNN_MAPR50_FLOOR
    assert bbam['instance/sds_mAPr_50'] >= box['instance/sds_mAPr_50'] - MAPR50_TIE
    assert bbam['instance/sds_mAPr_75'] > box['instance/sds_mAPr_75'] + MASK_RCNN_MAPR75_MARGIN
    for metrics in (bbam, box):
        assert {'instance/chainercv_mAPr_50', 'instance/ABO', 'segm/AP', 'bbox/AP'} <= set(metrics)
    trained = open(osp.join(stage('mask_rcnn'), 'config.yaml')).read()
    assert 'SeedGrowingMaskHead' in trained and 'instances_th0.2.json' in trained
    assert len(os.listdir(osp.join(stage('mask_rcnn_test'), 'predictions'))) == \
        BBAM_TOY_SPLITS['val']
    report = open(osp.join(work_dir, 'report.md')).read()
    row = next(line for line in report.splitlines()
               if 'Mask R-CNN (BBAM pseudo instances) val mAP^r@0.5 (SDS)' in line)
    assert f'| {bbam["instance/sds_mAPr_50"]:.1f} |' in row, row
    assert osp.isfile(osp.join(work_dir, 'figures', 'overlays_2.png'))
