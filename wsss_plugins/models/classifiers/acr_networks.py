"""ACR's two networks (wave2.md §3.1; the official ``networks/resnet38d.py``
``Net_main`` / ``Net_recon``; seed document 001 §A.1, Table A1).

* ``ACRClassifierNet``: backbone (ResNet-38d) + the CAM head ``fc8`` (1×1 4096→256, no
  bias, xavier) → ReLU → ``fc9`` (1×1 256→C, no bias, xavier); logits = **GAP(cam)** (the
  head is not linear, so GAP comes after the class conv).
* ``ACRReconstructorNet``: the same + the multi-scale feature X = concat(dr1(conv4) 64,
  dr2(conv5) 128, fc_recon(conv6) 256) = 448 channels at stride 8 (Fig. A1), and the
  U-Net decoder ``ReconstructionUNet`` (Fig. A2). The official ``Net_main`` also carries
  these, unused (never called, no gradient): here the classifier has none.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS


class ACRClassifierNet(BaseModule):
    """Backbone + ACR's two-layer CAM head. ``class_maps`` are the raw (signed) maps."""

    def __init__(self, backbone, num_classes, cam_channels=256, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        self.backbone = MODELS.build(backbone)
        self.fc8 = nn.Conv2d(self.backbone.feat_dim, cam_channels, 1, bias=False)
        self.fc9 = nn.Conv2d(cam_channels, num_classes, 1, bias=False)
        for conv in (self.fc8, self.fc9):
            nn.init.xavier_uniform_(conv.weight)

    def head(self, conv6):
        return self.fc9(F.relu(self.fc8(conv6)))

    def class_maps(self, inputs):
        return self.head(self.backbone(inputs)[-1])

    def forward(self, inputs):
        """The raw class maps (the one call a DDP wrapper of this network sees)."""
        return self.class_maps(inputs)


class UNetDown(nn.Sequential):
    """4×4 stride-2 conv (no bias), InstanceNorm (not on the first and last), LeakyReLU 0.2,
    Dropout 0.5 on the 512-wide levels (pix2pix ``UNetDown``)."""

    def __init__(self, in_channels, out_channels, normalize=True, dropout=0.):
        layers = [nn.Conv2d(in_channels, out_channels, 4, 2, 1, bias=False)]
        if normalize:
            layers.append(nn.InstanceNorm2d(out_channels))
        layers.append(nn.LeakyReLU(0.2))
        if dropout:
            layers.append(nn.Dropout(dropout))
        super().__init__(*layers)


class UNetUp(nn.Module):
    """4×4 stride-2 transposed conv (no bias), InstanceNorm, ReLU, Dropout 0.5 on the
    512-wide levels, then the skip concatenated (pix2pix ``UNetUp``)."""

    def __init__(self, in_channels, out_channels, dropout=0.):
        super().__init__()
        self.deconv = nn.ConvTranspose2d(in_channels, out_channels, 4, 2, 1, bias=False)
        self.norm = nn.InstanceNorm2d(out_channels)
        self.dropout = nn.Dropout(dropout) if dropout else nn.Identity()

    def forward(self, x, skip):
        return torch.cat([self.dropout(F.relu(self.norm(self.deconv(x)))), skip], 1)


class ReconstructionUNet(nn.Module):
    """The reconstructor decoder (``GeneratorUNet(448, 3)``): ``num_downs`` halvings (8 in the
    reference, Table A1: 64-128-256-512-512-512-512-512 at 128 … 1 px for a 256 crop),
    ``num_downs − 1`` up blocks with skips, and the colourisation block.

    The colourisation block follows the official code (nearest ×2 upsample + 3×3 conv with
    bias, no tanh); the seed document describes a bilinear upsample + 1×1 conv. The up
    blocks use ReLU (the document says LReLU). Inputs must be divisible by 2^num_downs.
    ``base_channels`` scales every width (64 in the reference; the toy: 16).
    """

    def __init__(self, in_channels=448, out_channels=3, num_downs=8, base_channels=64):
        super().__init__()
        self.num_downs = num_downs
        cap = base_channels * 8
        widths = [min(base_channels * 2 ** i, cap) for i in range(num_downs)]
        self.downs = nn.ModuleList(
            UNetDown(c_in, c_out, normalize=0 < i < num_downs - 1,
                     dropout=0.5 if c_out == cap else 0.)
            for i, (c_in, c_out) in enumerate(zip([in_channels] + widths[:-1], widths)))
        ups, c_in = [], widths[-1]
        for skip in widths[-2::-1]:  # deepest first: out width = the skip's width
            ups.append(UNetUp(c_in, skip, dropout=0.5 if skip == cap and len(ups) < 4 else 0.))
            c_in = 2 * skip
        self.ups = nn.ModuleList(ups)
        self.colorize = nn.Sequential(nn.Upsample(scale_factor=2),
                                      nn.Conv2d(c_in, out_channels, 3, padding=1))

    def forward(self, x):
        step = 2 ** self.num_downs
        if x.shape[-2] % step or x.shape[-1] % step:
            raise ValueError(f'ReconstructionUNet: input {tuple(x.shape[-2:])} is not divisible '
                             f'by 2^num_downs = {step} (crop size or decoder.num_downs)')
        skips = []
        for down in self.downs:
            x = down(x)
            skips.append(x)
        for up, skip in zip(self.ups, skips[-2::-1]):
            x = up(x, skip)
        return self.colorize(x)


class ACRReconstructorNet(ACRClassifierNet):
    """``ACRClassifierNet`` + the 448-channel multi-scale feature + ``ReconstructionUNet``.

    Args:
        recon_channels: widths of dr1 (conv4), dr2 (conv5) and fc_recon (conv6): 64/128/D=256.
        feature_channels: widths of the backbone's three outputs (None: its ``out_channels``,
            as ``ResNet38d`` declares them; e.g. (32, 64, 128) for a toy mmseg ResNet-18).
        decoder: ``ReconstructionUNet`` arguments (``num_downs``, ``base_channels``).
    """

    def __init__(self, backbone, num_classes, cam_channels=256, recon_channels=(64, 128, 256),
                 decoder=None, feature_channels=None, init_cfg=None):
        super().__init__(backbone, num_classes, cam_channels, init_cfg)
        if feature_channels is None and not hasattr(self.backbone, 'out_channels'):
            raise ValueError(f'ACR: give feature_channels (the widths of the three outputs of '
                             f'{type(self.backbone).__name__})')
        c4, c5, c6 = feature_channels or self.backbone.out_channels
        self.dr1 = nn.Conv2d(c4, recon_channels[0], 1, bias=False)
        self.dr2 = nn.Conv2d(c5, recon_channels[1], 1, bias=False)
        self.fc_recon = nn.Conv2d(c6, recon_channels[2], 1, bias=False)
        self.decoder = ReconstructionUNet(sum(recon_channels), 3, **(decoder or {}))

    def encode(self, inputs):
        """``(X upsampled to the input size, class maps)``: the reconstruction feature and the
        CAM of the same forward."""
        conv4, conv5, conv6 = self.backbone(inputs)
        feat = torch.cat([self.dr1(conv4), self.dr2(conv5), self.fc_recon(conv6)], 1)
        feat = F.interpolate(feat, inputs.shape[-2:], mode='bilinear', align_corners=False)
        return feat, self.head(conv6)

    def forward(self, inputs, kept=()):
        """RU in one call (one forward per step under DDP): ``(class maps, [Dec(X.detach()),
        Dec(X·k) for k in kept])``."""
        feat, cams = self.encode(inputs)
        return cams, [self.decoder(feat.detach())] + [self.decoder(feat * k) for k in kept]
