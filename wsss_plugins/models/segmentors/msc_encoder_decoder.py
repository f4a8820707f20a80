"""DeepLab-v2 training and testing as the WSSS papers ran it (deeplab-pytorch, methods.md 2.1,
ecosystem.md A.7/A.11).

Training (deeplab-pytorch ``libs/models/msc.py`` + ``main.py train``): the normalised batch
is also fed at 0.75x and 0.5x (bilinear, ``align_corners=False``); the logits of every scale
and their pixel-wise max (the smaller maps resized bilinearly to the 1x logit size) are each
supervised and the losses summed (4 terms). Each term sees the label map downsampled to its
logit size with PIL NEAREST (``resize_labels``), not the logits upsampled to the label as
mmseg's ``loss_by_feat`` would do by itself.

Testing: logits at every ``test_cfg.scales`` (each with its horizontal flip when
``test_cfg.flip``), flips undone, fused by pixel-wise MAX at the 1x logit size, then
upsampled to the image (``predict_by_feat``). mmseg's ``SegTTAModel`` would instead average
softmaxes of pipeline-resized views (A.11); the max over logits is the protocol of the
papers, and it runs in ``predict`` so a plain ``tools/test.py CFG CKPT`` (no ``--tta``)
evaluates with it. ``test_cfg.crf`` adds the dense CRF of deeplab-pytorch ``main.py crf`` on
the softmax at image size.
"""
import mmcv
import numpy as np
import torch
import torch.nn.functional as F
from mmengine.structures import PixelData
from mmseg.models.segmentors import EncoderDecoder
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample
from mmseg.utils import add_prefix

from ...utils.crf import DEEPLAB_SOFTMAX_CRF, DenseCRF
from ...utils.image import resize_labels_nearest

# deeplab-pytorch configs/voc12.yaml IMAGE.MEAN (B, G, R): the caffe ResNet-101 input mean.
DEEPLAB_MEAN_BGR = (104.008, 116.669, 122.675)
CRF_IMAGES = ('rgb', 'deeplab_pytorch')


def deeplab_pytorch_crf_image(img_rgb):
    """The image deeplab-pytorch's ``main.py crf`` gives the CRF: the dataset's
    mean-subtracted BGR float image cast to uint8, i.e. truncated toward zero and wrapped
    modulo 256 (values below the mean wrap to ~255). Only for exact reproduction."""
    shifted = img_rgb[..., ::-1].astype(np.float32) - np.asarray(DEEPLAB_MEAN_BGR, np.float32)
    return (np.trunc(shifted).astype(np.int64) % 256).astype(np.uint8)


def resize_labels(data_samples, size):
    """Copies of ``data_samples`` whose ``gt_sem_seg`` is resized to ``size`` with PIL
    NEAREST (deeplab-pytorch ``main.py::resize_labels``)."""
    resized = []
    for sample in data_samples:
        out = SegDataSample(metainfo=sample.metainfo)
        out.gt_sem_seg = PixelData(data=resize_labels_nearest(sample.gt_sem_seg.data, size))
        resized.append(out)
    return resized


@MODELS.register_module()
class MSCEncoderDecoder(EncoderDecoder):
    """``EncoderDecoder`` with DeepLab-v2 multi-scale training and max-fusion testing.

    ``train_cfg``: ``scales`` (default ``(1.0, 0.75, 0.5)``; ``(1.0,)`` = single-scale, one
    loss term).
    ``test_cfg``: ``scales`` (default ``(1.0,)``), ``flip`` (default False), ``crf``
    (False; True = deeplab-pytorch parameters ``DEEPLAB_SOFTMAX_CRF``; or a dict of
    ``DenseCRF`` arguments with ``unary='softmax'``), ``crf_image`` (``'rgb'``: the image as
    read; ``'deeplab_pytorch'``: that repository's wrapped mean-subtracted image, see
    ``deeplab_pytorch_crf_image``). Both scale lists must contain 1.0: the fused map lives
    on the 1x logit grid.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.with_auxiliary_head:
            raise ValueError('MSCEncoderDecoder supervises the decode head only; '
                             'remove auxiliary_head')
        train_cfg, test_cfg = self.train_cfg or {}, self.test_cfg or {}
        self.train_scales = self._check_scales(train_cfg.get('scales', (1.0, 0.75, 0.5)),
                                               'train_cfg')
        self.test_scales = self._check_scales(test_cfg.get('scales', (1.0,)), 'test_cfg')
        self.test_flip = bool(test_cfg.get('flip', False))
        crf = test_cfg.get('crf', False)
        if crf is True:
            crf = DEEPLAB_SOFTMAX_CRF
        if crf and dict(crf).get('unary') != 'softmax':
            raise ValueError(f"test_cfg.crf must use unary='softmax' (post-processing of the "
                             f'softmax), got {crf}')
        self.crf = DenseCRF(**crf) if crf else None
        self.crf_image = test_cfg.get('crf_image', 'rgb')
        if self.crf_image not in CRF_IMAGES:
            raise ValueError(f'test_cfg.crf_image must be one of {CRF_IMAGES}, '
                             f'got {self.crf_image!r}')

    @staticmethod
    def _check_scales(scales, where):
        scales = tuple(float(s) for s in scales)
        if 1.0 not in scales:
            raise ValueError(f'{where}.scales must contain 1.0 (logits are fused on the 1x '
                             f'logit grid), got {scales}')
        return scales

    def _logits(self, inputs):
        return self.decode_head(self.extract_feat(inputs))

    def multi_scale_logits(self, inputs, scales, flip=False):
        """Logits of every (scale, flip) view in that order, flips undone, and their
        pixel-wise max at the 1x view's logit size (deeplab-pytorch ``MSC.forward``)."""
        views = []
        for scale in scales:
            x = inputs if scale == 1.0 else F.interpolate(
                inputs, scale_factor=scale, mode='bilinear', align_corners=False)
            views.append(self._logits(x))
            if flip:
                views.append(self._logits(x.flip(-1)).flip(-1))
        size = views[scales.index(1.0) * (2 if flip else 1)].shape[2:]
        fused = torch.stack([
            v if v.shape[2:] == size else
            F.interpolate(v, size=size, mode='bilinear', align_corners=False) for v in views
        ]).amax(0)
        return views, fused

    def loss(self, inputs, data_samples):
        """One loss dict per term, prefixed ``decode_1x``, ``decode_0.75x``, ``decode_0.5x``
        and ``decode_max``; the Runner sums every ``loss*`` value (as ``main.py`` sums)."""
        views, fused = self.multi_scale_logits(inputs, self.train_scales)
        terms = dict(zip((f'{s:g}x' for s in self.train_scales), views))
        if len(views) > 1:
            terms['max'] = fused
        losses = dict()
        for name, logits in terms.items():
            samples = resize_labels(data_samples, logits.shape[2:])
            losses.update(add_prefix(self.decode_head.loss_by_feat(logits, samples),
                                     f'decode_{name}'))
        return losses

    def encode_decode(self, inputs, batch_img_metas):
        """Max-fused multi-scale (+ flip) logits resized to the input, used by
        ``whole_inference`` and per crop by ``slide_inference``."""
        _, fused = self.multi_scale_logits(inputs, self.test_scales, self.test_flip)
        return self.decode_head.predict_by_feat(fused, batch_img_metas)

    def postprocess_result(self, seg_logits, data_samples=None):
        data_samples = super().postprocess_result(seg_logits, data_samples)
        if self.crf is not None:
            for sample in data_samples:
                sample.pred_sem_seg = PixelData(data=self._crf_labels(sample))
        return data_samples

    def _crf_labels(self, sample):
        """Argmax of the CRF-refined softmax of the image-size logits (``main.py crf``)."""
        path = sample.metainfo.get('img_path')
        if path is None:
            raise ValueError('dense-CRF post-processing reads the image from the data '
                             "sample's img_path, which is missing")
        img = mmcv.imread(path, channel_order='rgb', backend='pillow')
        logits = sample.seg_logits.data
        if img.shape[:2] != tuple(logits.shape[1:]):
            raise ValueError(f'{path}: image size {img.shape[:2]} != prediction size '
                             f'{tuple(logits.shape[1:])}')
        if self.crf_image == 'deeplab_pytorch':
            img = deeplab_pytorch_crf_image(img)
        probs = logits.float().softmax(0).cpu().numpy()
        labels = self.crf(img, probs).argmax(0)
        return torch.from_numpy(labels).to(logits.device)[None]
