"""The detector-facing calls of BBAM for MMDetection 3.3 two-stage detectors (wave2.md §1.8).

BBAM needs four things of a detector: its test-time preprocessing, the box head's outputs
for *fixed* proposals on a (masked) image, the box decoding, and the class layout. This
adapter is the only place they are spelled for MMDetection; another framework is another
``DETECTOR_ADAPTERS`` entry with the same methods.

Conventions shared by every adapter: foreground classes 0..C-1, background the **last**
column of the class scores (MMDetection's and Detectron2's layout; maskrcnn-benchmark, the
reference's framework, puts it first), class-specific deltas ``[N, 4C]``, boxes ``x1 y1 x2
y2`` in the coordinates of the resized network input.
"""
import numpy as np
import torch

from ...registry import DETECTOR_ADAPTERS


@DETECTOR_ADAPTERS.register_module(name='mmdet')
class MMDetTwoStageAdapter:
    """Args:
        model: an MMDetection ``TwoStageDetector`` (``StandardRoIHead``) in eval mode; its
            parameters get no gradients.
        test_scale: the ``Resize`` scale of the test transform (BBAM: shorter side 800,
            longer at most 1333, keep ratio).
    """

    def __init__(self, model, test_scale=(1333, 800)):
        self.model = model.eval()
        for p in self.model.parameters():
            p.requires_grad_(False)
        self.test_scale = tuple(test_scale)
        self.num_classes = model.roi_head.bbox_head.num_classes

    @classmethod
    def from_config(cls, cfg, checkpoint=None, device='cpu', test_scale=(1333, 800)):
        """The adapter of ``cfg.model`` (an MMDetection config), ``checkpoint`` loaded strictly
        (``utils.checkpoint.load_weights``; random initialisation without one)."""
        from mmengine.registry import init_default_scope
        from mmdet.registry import MODELS

        from ...utils.checkpoint import load_weights
        init_default_scope('mmdet')
        model = MODELS.build(cfg.model)
        if checkpoint is not None:
            load_weights(model, checkpoint)
        return cls(model.to(device), test_scale)

    @property
    def device(self):
        return next(self.model.parameters()).device

    def prepare(self, img, boxes):
        """``img`` RGB uint8 ``[H0, W0, 3]``, ``boxes [K, 4]`` in its pixels → dict(inputs
        ``[1, 3, Hp, Wp]`` normalised and padded (padding = 0 = the mean colour), img_shape
        (H, W) of the resized image, boxes ``[K, 4]`` resized, scale (sx, sy), sample (its
        ``DetDataSample``))."""
        import mmcv
        from mmdet.structures import DetDataSample
        bgr = np.ascontiguousarray(img[..., ::-1])  # MMDetection loads BGR (cv2)
        resized, scale = mmcv.imrescale(bgr, self.test_scale, return_scale=True,
                                        backend='cv2')
        h, w = resized.shape[:2]
        sx, sy = w / img.shape[1], h / img.shape[0]
        sample = DetDataSample(metainfo=dict(img_shape=(h, w), ori_shape=img.shape[:2],
                                             scale_factor=(sx, sy)))
        tensor = torch.from_numpy(resized.transpose(2, 0, 1).copy())
        data = self.model.data_preprocessor(dict(inputs=[tensor], data_samples=[sample]),
                                            False)
        boxes = torch.as_tensor(np.asarray(boxes, np.float32)).reshape(-1, 4) * torch.tensor(
            [sx, sy, sx, sy])
        return dict(inputs=data['inputs'].to(self.device), img_shape=(h, w),
                    boxes=boxes.to(self.device), scale=(sx, sy), sample=sample)

    @torch.no_grad()
    def detect(self, img):
        """The detector's own detections of ``img`` (RGB uint8): ``(boxes [N, 4]`` in its
        pixels, ``labels [N]`` 0..C-1, ``scores [N])``, MMDetection's test post-processing."""
        prep = self.prepare(img, np.zeros((0, 4), np.float32))
        result = self.model.predict(prep['inputs'], [prep['sample']], rescale=True)[0]
        pred = result.pred_instances
        return (pred.bboxes.cpu().numpy(), pred.labels.cpu().numpy(),
                pred.scores.cpu().numpy())

    def box_outputs(self, inputs, proposals):
        """Box-head outputs for fixed proposals: ``inputs [B, 3, Hp, Wp]``, ``proposals`` a
        list of B ``[Ni, 4]`` tensors (image i's RoIs) → ``(cls_score [ΣNi, C+1], bbox_pred
        [ΣNi, 4C])``; the RPN does not run."""
        from mmdet.structures.bbox import bbox2roi
        feats = self.model.extract_feat(inputs)
        res = self.model.roi_head._bbox_forward(feats, bbox2roi(list(proposals)))
        return res['cls_score'], res['bbox_pred']

    def decode(self, proposals, deltas):
        """Boxes of ``deltas [N, 4]`` applied to ``proposals [N, 4]``, **not clipped** (the
        reference's ``after_regression_proposal``)."""
        return self.model.roi_head.bbox_head.bbox_coder.decode(proposals, deltas)
