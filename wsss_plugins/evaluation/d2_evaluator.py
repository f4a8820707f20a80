"""``InstanceSegMetric`` (mAP^r under the SDS / chainercv protocols, COCO-style AP at the same
thresholds, ABO) as a Detectron2 ``DatasetEvaluator``: the same metric code scores the
MMDetection and the Detectron2 Mask R-CNN. Detectron2's outputs (``pred_masks`` at the input's
size, ``pred_classes`` 0..C-1, ``scores``, ``pred_boxes``) become the metric's prediction
dicts; under ``launch`` the records are gathered to the main process.
"""
import os.path as osp

from detectron2.evaluation import DatasetEvaluator

from .instance_metric import InstanceSegMetric


class InstanceSegEvaluator(DatasetEvaluator):
    """Args: ``classes`` the foreground names; the rest as ``InstanceSegMetric``."""

    def __init__(self, classes, **metric_args):
        self.metric = InstanceSegMetric(**metric_args)
        self.metric.dataset_meta = dict(classes=tuple(classes))

    def reset(self):
        self.metric.results.clear()

    def process(self, inputs, outputs):
        for inp, out in zip(inputs, outputs):
            inst = out['instances'].to('cpu')
            self.metric.process(None, [dict(
                img_path=inp['file_name'],
                pred_instances=dict(masks=inst.pred_masks, labels=inst.pred_classes,
                                    scores=inst.scores, bboxes=inst.pred_boxes.tensor))])

    def evaluate(self):
        from detectron2.utils import comm
        records = comm.gather(list(self.metric.results), dst=0)
        if not comm.is_main_process():
            return {}
        return {'instance': self.metric.compute_metrics([r for part in records for r in part])}


def has_instance_ground_truth(data_root, instance_dir='SegmentationObject'):
    return osp.isdir(osp.join(data_root, instance_dir))
