"""The detector-facing calls of BBAM for Detectron2's ``GeneralizedRCNN`` with
``StandardROIHeads`` (the adapter interface of ``mmdet_adapter.py``; BBAM's loop in
``seeds/bbam.py`` is shared, not copied).

Detectron2 conventions handled here: its test preprocessing is ``ResizeShortestEdge``
(``INPUT.MIN_SIZE_TEST`` / ``MAX_SIZE_TEST``, PIL bilinear on uint8, as ``DefaultPredictor``),
inputs in ``INPUT.FORMAT`` (BGR for the model zoo's R-50/R-101), normalised and padded to the
backbone's size divisibility by ``model.preprocess_image`` (padding 0 = the mean colour, the
value a masked pixel takes). ``FastRCNNOutputLayers`` already puts the background in the
**last** score column and predicts class-specific deltas ``[N, 4K]`` — the layout BBAM reads;
``Box2BoxTransform.apply_deltas`` (weights 10, 10, 5, 5, no +1, clamped dw/dh, not clipped to
the image) is the decoding. Detectron2 is imported when an adapter is built, so the MMDetection
path never needs it.
"""
import numpy as np
import torch

from ...registry import DETECTOR_ADAPTERS


@DETECTOR_ADAPTERS.register_module(name='detectron2')
class Detectron2RCNNAdapter:
    """Args:
        model: a Detectron2 ``GeneralizedRCNN`` (``StandardROIHeads``) in eval mode; its
            parameters get no gradients.
        test_scale: ``(longest, shortest)`` side of the test resize, the MMDetection adapter's
            convention (``load_d2_config`` reads it from ``INPUT.MAX/MIN_SIZE_TEST``).
        input_format: ``'BGR'`` or ``'RGB'`` (``INPUT.FORMAT``).
    """

    def __init__(self, model, test_scale=(1333, 800), input_format='BGR'):
        from detectron2.modeling.roi_heads import StandardROIHeads
        heads = model.roi_heads
        if type(heads) is not StandardROIHeads:  # CascadeROIHeads is a subclass with 3 heads
            raise TypeError('the Detectron2 BBAM adapter needs MODEL.ROI_HEADS.NAME '
                            f'"StandardROIHeads", not {type(heads).__name__}')
        predictor = heads.box_predictor
        if predictor.bbox_pred.out_features != 4 * heads.num_classes or \
                getattr(predictor, 'use_sigmoid_ce', False):
            raise ValueError('BBAM reads class-specific deltas and softmax scores: set '
                             'MODEL.ROI_BOX_HEAD.CLS_AGNOSTIC_BBOX_REG and '
                             'MODEL.ROI_BOX_HEAD.USE_SIGMOID_CE to False')
        self.model = model.eval()
        for p in self.model.parameters():
            p.requires_grad_(False)
        self.test_scale = tuple(test_scale)
        self.input_format = input_format
        self.num_classes = model.roi_heads.num_classes

    @classmethod
    def from_config(cls, cfg, checkpoint=None, device='cpu', test_scale=None):
        """The adapter of ``cfg.model = dict(type='Detectron2', config=YAML, num_classes)``
        (the yaml relative to ``cfg``'s file; ``num_classes`` bound from the dataset),
        ``checkpoint`` loaded strictly (random initialisation without one)."""
        import os.path as osp

        from ...utils.d2_config import load_d2_config
        model_cfg = cfg.get('model') or {}
        if model_cfg.get('type') != 'Detectron2' or not model_cfg.get('config'):
            raise KeyError(f'{cfg.filename}: the detectron2 adapter needs model=dict('
                           'type="Detectron2", config=<the detector\'s Detectron2 yaml>)')
        path = osp.join(osp.dirname(cfg.filename), model_cfg['config'])
        d2_cfg = load_d2_config(path, num_classes=model_cfg.get('num_classes'))
        model = build_d2_model(d2_cfg, checkpoint, device)
        scale = test_scale or (d2_cfg.INPUT.MAX_SIZE_TEST, d2_cfg.INPUT.MIN_SIZE_TEST)
        return cls(model, scale, d2_cfg.INPUT.FORMAT)

    @property
    def device(self):
        return next(self.model.parameters()).device

    def _resize(self, img):
        from detectron2.data import transforms as T
        longest, shortest = max(self.test_scale), min(self.test_scale)
        image = img if self.input_format == 'RGB' else np.ascontiguousarray(img[..., ::-1])
        return T.ResizeShortestEdge(shortest, longest).get_transform(image).apply_image(image)

    def prepare(self, img, boxes):
        """``img`` RGB uint8 ``[H0, W0, 3]``, ``boxes [K, 4]`` in its pixels → dict(inputs
        ``[1, 3, Hp, Wp]`` normalised and padded, img_shape (H, W) of the resized image,
        boxes ``[K, 4]`` resized, scale (sx, sy))."""
        resized = self._resize(img)
        h, w = resized.shape[:2]
        sx, sy = w / img.shape[1], h / img.shape[0]
        tensor = torch.as_tensor(resized.transpose(2, 0, 1).astype(np.float32))
        images = self.model.preprocess_image([dict(image=tensor.to(self.device))])
        boxes = torch.as_tensor(np.asarray(boxes, np.float32)).reshape(-1, 4) * torch.tensor(
            [sx, sy, sx, sy])
        return dict(inputs=images.tensor, img_shape=(h, w), boxes=boxes.to(self.device),
                    scale=(sx, sy))

    @torch.no_grad()
    def detect(self, img):
        """The detector's own detections of ``img`` (RGB uint8): ``(boxes [N, 4]`` in its
        pixels, ``labels [N]`` 0..C-1, ``scores [N])``, Detectron2's test post-processing."""
        resized = self._resize(img)
        tensor = torch.as_tensor(resized.transpose(2, 0, 1).astype(np.float32))
        out = self.model([dict(image=tensor.to(self.device), height=img.shape[0],
                               width=img.shape[1])])[0]['instances'].to('cpu')
        return (out.pred_boxes.tensor.numpy(), out.pred_classes.numpy(), out.scores.numpy())

    def box_outputs(self, inputs, proposals):
        """Box-head outputs for fixed proposals: ``inputs [B, 3, Hp, Wp]``, ``proposals`` a
        list of B ``[Ni, 4]`` tensors → ``(scores [ΣNi, C+1]`` (background last),
        ``deltas [ΣNi, 4C])``; the RPN does not run (``StandardROIHeads._forward_box``
        without its post-processing)."""
        from detectron2.structures import Boxes
        heads = self.model.roi_heads
        features = self.model.backbone(inputs)
        box_features = heads.box_pooler([features[f] for f in heads.box_in_features],
                                        [Boxes(p) for p in proposals])
        return heads.box_predictor(heads.box_head(box_features))

    def decode(self, proposals, deltas):
        """Boxes of ``deltas [N, 4]`` applied to ``proposals [N, 4]``, not clipped."""
        return self.model.roi_heads.box_predictor.box2box_transform.apply_deltas(deltas,
                                                                                 proposals)


def build_d2_model(cfg, checkpoint=None, device='cpu'):
    """Detectron2's ``build_model(cfg)`` (our backbone and mask head registered) on ``device``, in eval
    mode, with ``checkpoint`` (our Detectron2 training's ``{'model': ...}`` file, a state dict,
    or a model-zoo ``.pkl``) loaded strictly: a checkpoint of another model is an error naming
    the keys."""
    from detectron2.modeling import build_model

    from . import d2_backbone, d2_mask_head  # noqa: F401 - register our backbone and head
    from ...utils.checkpoint import load_weights
    cfg = cfg.clone()
    cfg.defrost()
    cfg.MODEL.DEVICE = str(device)
    model = build_model(cfg)
    if checkpoint is None:
        return model.eval()
    if not checkpoint.endswith('.pkl'):
        load_weights(model, checkpoint)
        return model.eval()
    # a Detectron2 model-zoo .pkl (numpy arrays, Detectron's names): Detectron2's own loader
    # (name matching), then strict as load_weights is
    from detectron2.checkpoint import DetectionCheckpointer
    checkpointer = DetectionCheckpointer(model)
    incompatible = checkpointer._load_model(checkpointer._load_file(checkpoint))
    problems = [f'{what}: {", ".join(str(k) for k in keys[:5])}' for what, keys in (
        ('missing', incompatible.missing_keys), ('unexpected', incompatible.unexpected_keys),
        ('shape mismatch', [k for k, *_ in incompatible.incorrect_shapes])) if keys]
    if problems:
        from ...utils.checkpoint import CheckpointMismatch
        raise CheckpointMismatch(f'{checkpoint} does not fit the Detectron2 model (a checkpoint '
                                 'of another model or config?): ' + '; '.join(problems))
    return model.eval()
