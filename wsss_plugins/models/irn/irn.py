"""IRNet (Ahn et al., CVPR 2019): class boundaries and displacement fields from IR labels.

Layout as IRN's ``net/resnet50_irn.py`` (methods.md §0, §1): two 1×1-conv/GroupNorm
branches over the five levels of a **frozen** ResNet (stem after max-pool at stride
4, layer1 at 4, layer2 at 8, layer3 and layer4 at 16 — strides (1, 2, 2, 1)):

* boundary branch: each level → 32 channels (GN 4), upsampled to stride 4, concat
  (160) → 1×1 conv with bias → boundary logits;
* displacement branch: levels 3-5 → 256 each (GN 16) at stride 8 → 256 (GN 16) up to
  stride 4; with levels 1-2 (64, GN 8; 128, GN 16) → 256 (GN 16) → 2 channels (dy, dx).

IRN detaches every backbone stage, so the backbone is frozen here whatever the
config says (``requires_grad`` off, always in eval mode), unless ``train_backbone``
is set: a deviation for backbones without ImageNet features (the toy configs), whose
frozen from-scratch classifier features do not describe background texture.
Upsampling is bilinear, ``align_corners=False``, followed by a crop to the finer
level's size, as in IRN.

IRN's ``MeanShift`` is the ``displacement_mean`` buffer: the mean displacement over the
training images, measured after training (``engine.DisplacementMeanHook``, as the end of
IRN's ``train_irn.py``) and subtracted from the displacement output in eval mode; the
instance pass (``refine/instances.py``) reads the shifted field, the semantic random walk
only the boundary map.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmseg.registry import MODELS

PAD_MULTIPLE = 16  # inference padding of an image larger than test_cfg.pad_size


def _unit(in_channels, out_channels, groups, scale=1):
    """1×1 conv (no bias) → GroupNorm [→ bilinear ×scale] → ReLU (IRN's fc_edge*/fc_dp*)."""
    layers = [nn.Conv2d(in_channels, out_channels, 1, bias=False),
              nn.GroupNorm(groups, out_channels)]
    if scale > 1:
        layers.append(nn.Upsample(scale_factor=scale, mode='bilinear', align_corners=False))
    layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


def downscale_labels(label, size):
    """IR labels ``[B, H, W]`` → ``[B, *size]`` as IRN's PIL NEAREST ×0.25 (``pil_rescale``).

    PIL samples pixel ``floor((i + 0.5)·H/h)`` (4i+2 at ×0.25): torch's 'nearest-exact';
    'nearest' would sample 4i.
    """
    return F.interpolate(label[:, None].float(), size=size, mode='nearest-exact')[:, 0].long()


def _crop_to(x, ref):
    return x[..., :ref.shape[-2], :ref.shape[-1]]


class BoundaryBranch(nn.Module):
    """IRN ``fc_edge1..6``: five levels → 1 boundary logit map at stride 4."""

    def __init__(self, in_channels):
        super().__init__()
        scales = (1, 1, 2, 4, 4)
        self.levels = nn.ModuleList(
            _unit(c, 32, 4, s) for c, s in zip(in_channels, scales))
        self.fuse = nn.Conv2d(32 * 5, 1, 1, bias=True)

    def forward(self, feats):
        outs = [level(f) for level, f in zip(self.levels, feats)]
        outs = outs[:2] + [_crop_to(o, outs[1]) for o in outs[2:]]
        return self.fuse(torch.cat(outs, 1))


class DisplacementBranch(nn.Module):
    """IRN ``fc_dp1..7``: five levels → 2-channel displacement field at stride 4."""

    def __init__(self, in_channels):
        super().__init__()
        c1, c2, c3, c4, c5 = in_channels
        self.level1 = _unit(c1, 64, 8)
        self.level2 = _unit(c2, 128, 16)
        self.level3 = _unit(c3, 256, 16)
        self.level4 = _unit(c4, 256, 16, scale=2)
        self.level5 = _unit(c5, 256, 16, scale=2)
        self.up = _unit(768, 256, 16, scale=2)
        self.out = nn.Sequential(
            nn.Conv2d(448, 256, 1, bias=False), nn.GroupNorm(16, 256), nn.ReLU(inplace=True),
            nn.Conv2d(256, 2, 1, bias=False))

    def forward(self, feats):
        x1, x2, x3, x4, x5 = feats
        dp1, dp2, dp3 = self.level1(x1), self.level2(x2), self.level3(x3)
        dp4, dp5 = _crop_to(self.level4(x4), dp3), _crop_to(self.level5(x5), dp3)
        up = _crop_to(self.up(torch.cat([dp3, dp4, dp5], 1)), dp2)
        return self.out(torch.cat([dp1, dp2, up], 1))


@MODELS.register_module()
class IRNet(BaseModel):
    """IRN trained on IR labels (the dataset's seg maps; 255 = uncertain).

    Args:
        backbone: an mmseg ``ResNet`` config (strides (1, 2, 2, 1)); frozen.
        in_channels: channels of (stem, layer1, layer2, layer3, layer4):
            ``(64, 256, 512, 1024, 2048)`` for ResNet-50.
        loss: the ``AffinityDisplacementLoss`` config (radius 10 at stride 4).
        test_cfg: ``pad_size`` — inference pads the image to this size, as IRN's
            ``EdgeDisplacement`` pads to its training crop (GroupNorm statistics then
            match training).
        train_backbone: train the backbone with the branches (not IRN: it freezes an
            ImageNet backbone). For from-scratch toy backbones only.
    """

    #: checkpoints trained before the displacement mean existed load with a zero mean
    #: (``utils.checkpoint.load_weights``); the instance pass refuses a zero mean
    optional_state_keys = ('displacement_mean', )

    def __init__(self, backbone, in_channels=(64, 256, 512, 1024, 2048),
                 loss=dict(type='AffinityDisplacementLoss', radius=10),
                 test_cfg=dict(pad_size=(512, 512)), train_backbone=False,
                 data_preprocessor=None, init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.train_backbone = train_backbone
        self.backbone.requires_grad_(train_backbone)
        self.edge_branch = BoundaryBranch(in_channels)
        self.displacement_branch = DisplacementBranch(in_channels)
        self.loss_module = MODELS.build(loss)
        self.test_cfg = dict(test_cfg or {})
        # IRN MeanShift's running_mean: zeros until DisplacementMeanHook measures it
        self.register_buffer('displacement_mean', torch.zeros(2))

    def train(self, mode=True):
        super().train(mode)
        if not self.train_backbone:
            self.backbone.eval()  # IRN: FixedBatchNorm and detached stages
        return self

    def extract_feats(self, inputs):
        """(stem, layer1..layer4) features. mmseg's ``ResNet.forward`` does not return the
        stem output that IRN's first branch level uses, so its modules are run here."""
        b = self.backbone
        with torch.set_grad_enabled(self.train_backbone and torch.is_grad_enabled()):
            x = b.stem(inputs) if b.deep_stem else b.relu(b.norm1(b.conv1(inputs)))
            x = b.maxpool(x)
            feats = [x]
            for name in b.res_layers:
                x = getattr(b, name)(x)
                feats.append(x)
        return feats

    def _forward(self, inputs, data_samples=None):
        """Boundary logits ``[B, 1, h, w]`` and displacement ``[B, 2, h, w]`` at stride 4;
        in eval mode the displacement is shifted by ``displacement_mean`` (IRN's MeanShift
        is the identity in training mode)."""
        feats = self.extract_feats(inputs)
        disp = self.displacement_branch(feats)
        if not self.training:
            disp = disp - self.displacement_mean.view(1, 2, 1, 1)
        return self.edge_branch(feats), disp

    @torch.no_grad()
    def raw_displacement(self, inputs):
        """The displacement output without the mean shift (what the mean is measured on)."""
        return self.displacement_branch(self.extract_feats(inputs))

    def forward(self, inputs, data_samples=None, mode='tensor'):
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self._forward(inputs)
        raise ValueError(f'unknown mode {mode!r}')

    def loss(self, inputs, data_samples):
        edge, disp = self._forward(inputs)
        label = torch.stack([s.gt_sem_seg.data[0] for s in data_samples])
        label = downscale_labels(label, edge.shape[-2:])
        return self.loss_module(edge, disp, label)

    @torch.no_grad()
    def predict_edge(self, inputs):
        """Boundary probabilities at stride 4 for one normalised image ``[1, 3, H, W]``,
        as IRN's ``EdgeDisplacement``: the image and its flip as a batch, zero-padded
        (bottom/right) to ``test_cfg['pad_size']``, logits averaged, then sigmoid.

        Returns ``(edge [ceil(H/4), ceil(W/4)], displacement [2, ceil(H/4), ceil(W/4)])``,
        the displacement of the unflipped image only, after the mean shift (IRN).
        A side longer than ``pad_size`` is padded to the next multiple of 16 (the backbone
        stride) instead: IRN's 512 covers every VOC image; on other data the padding then
        still reaches every image (``PAD_MULTIPLE``).
        """
        if inputs.dim() != 4 or inputs.shape[0] != 1:
            raise ValueError(f'predict_edge takes one image [1, 3, H, W], got {tuple(inputs.shape)}')
        h, w = inputs.shape[-2:]
        ph, pw = self.test_cfg.get('pad_size', (h, w))
        ph = max(ph, -(-h // PAD_MULTIPLE) * PAD_MULTIPLE)
        pw = max(pw, -(-w // PAD_MULTIPLE) * PAD_MULTIPLE)
        x = torch.cat([inputs, inputs.flip(-1)])
        x = F.pad(x, (0, max(pw - w, 0), 0, max(ph - h, 0)))
        edge, disp = self._forward(x)
        fh, fw = (h - 1) // 4 + 1, (w - 1) // 4 + 1
        edge, disp = edge[..., :fh, :fw], disp[..., :fh, :fw]
        edge = torch.sigmoid(edge[0, 0] / 2 + edge[1, 0].flip(-1) / 2)
        return edge, disp[0]

    def predict(self, inputs, data_samples=None):
        """Per image, ``pred_edge`` (PixelData, boundary probabilities at stride 4)."""
        from mmengine.structures import PixelData
        from mmseg.structures import SegDataSample

        data_samples = data_samples or [SegDataSample() for _ in range(len(inputs))]
        for x, sample in zip(inputs, data_samples):
            h, w = sample.metainfo.get('img_shape', x.shape[-2:])
            edge, _ = self.predict_edge(x[None, :, :h, :w])
            sample.pred_edge = PixelData(data=edge[None])
        return data_samples
