"""ResNet-38d ("WideResNet-38", Wu et al., model A1), the backbone of PSA, SEAM and ACR
(psa ``network/resnet38d.py::Net``; wave2.md §4.1).

Pre-activation blocks, output stride 8 (``conv1a`` has stride 1, b2-b4 stride 2, b5-b7
dilated 2/4), no BN after the residual additions, a final ``bn7`` + ReLU. Parameter names
are PSA's (``conv1a``, ``b2``, ``b2_1``, …, ``bn_branch2a``, ``conv_branch2b1``, ``bn7``), so
the converted ImageNet weights (``models/converters/resnet38d.py``) load without remapping.

``forward`` returns, for ``out_indices`` over (conv4, conv5, conv6) = (512, 1024, 4096)
channels, PSA's ``forward_as_dict``: the BN-ReLU'd input of b5, of b6, and the bn7-ReLU
output. ``widen_factor`` scales every width (the toy configs: 1/8); 1.0 is the reference.
"""
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmseg.registry import MODELS

WIDTHS = (64, 128, 256, 512, 1024, 2048, 4096)


class ResBlock(nn.Module):
    """PSA ``ResBlock``: a = ReLU(BN(x)); out = shortcut(a or x) + 3×3(ReLU(BN(3×3(a))))."""

    def __init__(self, in_channels, mid_channels, out_channels, stride=1, first_dilation=None,
                 dilation=1):
        super().__init__()
        first_dilation = dilation if first_dilation is None else first_dilation
        self.same_shape = in_channels == out_channels and stride == 1
        self.bn_branch2a = nn.BatchNorm2d(in_channels)
        self.conv_branch2a = nn.Conv2d(in_channels, mid_channels, 3, stride,
                                       padding=first_dilation, dilation=first_dilation,
                                       bias=False)
        self.bn_branch2b1 = nn.BatchNorm2d(mid_channels)
        self.conv_branch2b1 = nn.Conv2d(mid_channels, out_channels, 3, padding=dilation,
                                        dilation=dilation, bias=False)
        if not self.same_shape:
            self.conv_branch1 = nn.Conv2d(in_channels, out_channels, 1, stride, bias=False)

    def forward(self, x, get_x_bn_relu=False):
        branch2 = F.relu(self.bn_branch2a(x))
        x_bn_relu = branch2
        branch1 = x if self.same_shape else self.conv_branch1(branch2)
        branch2 = self.conv_branch2a(branch2)
        branch2 = self.conv_branch2b1(F.relu(self.bn_branch2b1(branch2)))
        out = branch1 + branch2
        return (out, x_bn_relu) if get_x_bn_relu else out


class ResBlockBottleneck(nn.Module):
    """PSA ``ResBlock_bot``: 1×1 → 3×3 (dilated) → 1×1 bottleneck with Dropout2d after the
    two inner BN-ReLUs; the shortcut is always a 1×1 projection of the pre-activation."""

    def __init__(self, in_channels, out_channels, stride=1, dilation=1, dropout=0.):
        super().__init__()
        self.bn_branch2a = nn.BatchNorm2d(in_channels)
        self.conv_branch2a = nn.Conv2d(in_channels, out_channels // 4, 1, stride, bias=False)
        self.bn_branch2b1 = nn.BatchNorm2d(out_channels // 4)
        self.dropout_2b1 = nn.Dropout2d(dropout)
        self.conv_branch2b1 = nn.Conv2d(out_channels // 4, out_channels // 2, 3,
                                        padding=dilation, dilation=dilation, bias=False)
        self.bn_branch2b2 = nn.BatchNorm2d(out_channels // 2)
        self.dropout_2b2 = nn.Dropout2d(dropout)
        self.conv_branch2b2 = nn.Conv2d(out_channels // 2, out_channels, 1, bias=False)
        self.conv_branch1 = nn.Conv2d(in_channels, out_channels, 1, stride, bias=False)

    def forward(self, x, get_x_bn_relu=False):
        branch2 = F.relu(self.bn_branch2a(x))
        x_bn_relu = branch2
        branch1 = self.conv_branch1(branch2)
        branch2 = self.conv_branch2a(branch2)
        branch2 = self.dropout_2b1(F.relu(self.bn_branch2b1(branch2)))
        branch2 = self.conv_branch2b1(branch2)
        branch2 = self.dropout_2b2(F.relu(self.bn_branch2b2(branch2)))
        out = branch1 + self.conv_branch2b2(branch2)
        return (out, x_bn_relu) if get_x_bn_relu else out


@MODELS.register_module()
class ResNet38d(BaseModule):
    """ResNet-38d as an mmseg backbone.

    Args:
        widen_factor: multiplies every width (1.0: the reference, 105,070,912 parameters).
        dropouts: Dropout2d of b6 and b7 (PSA/SEAM 0.3/0.5, ACR 0.2/0.2).
        out_indices: which of (conv4, conv5, conv6) to return.
        norm_eval: BN on running statistics with frozen γ/β, as every reference trains it
            (PSA's ``train()`` override); False trains BN (from-scratch toy models).
        frozen_stages: freeze conv1a (0), + b2* (1, PSA's ``resnet38_cls``), ..., up to b7
            (6); -1 freezes nothing (ACR).
    """

    def __init__(self, widen_factor=1.0, dropouts=(0.3, 0.5), out_indices=(0, 1, 2),
                 norm_eval=True, frozen_stages=-1, init_cfg=None):
        super().__init__(init_cfg=init_cfg)
        c = [max(int(round(w * widen_factor)), 4) for w in WIDTHS]
        self.conv1a = nn.Conv2d(3, c[0], 3, padding=1, bias=False)
        self.b2 = ResBlock(c[0], c[1], c[1], stride=2)
        self.b2_1 = ResBlock(c[1], c[1], c[1])
        self.b2_2 = ResBlock(c[1], c[1], c[1])
        self.b3 = ResBlock(c[1], c[2], c[2], stride=2)
        self.b3_1 = ResBlock(c[2], c[2], c[2])
        self.b3_2 = ResBlock(c[2], c[2], c[2])
        self.b4 = ResBlock(c[2], c[3], c[3], stride=2)
        for k in range(1, 6):
            setattr(self, f'b4_{k}', ResBlock(c[3], c[3], c[3]))
        self.b5 = ResBlock(c[3], c[3], c[4], first_dilation=1, dilation=2)
        self.b5_1 = ResBlock(c[4], c[3], c[4], dilation=2)
        self.b5_2 = ResBlock(c[4], c[3], c[4], dilation=2)
        self.b6 = ResBlockBottleneck(c[4], c[5], dilation=4, dropout=dropouts[0])
        self.b7 = ResBlockBottleneck(c[5], c[6], dilation=4, dropout=dropouts[1])
        self.bn7 = nn.BatchNorm2d(c[6])
        self.out_channels = (c[3], c[4], c[6])
        self.out_indices = tuple(out_indices)
        self.feat_dim = self.out_channels[self.out_indices[-1]]
        self.norm_eval = norm_eval
        self.frozen_stages = frozen_stages
        self._freeze()

    def stages(self):
        """conv1a, then the block groups b2 … b7 (+ bn7 with b7)."""
        names = [['conv1a'], ['b2', 'b2_1', 'b2_2'], ['b3', 'b3_1', 'b3_2'],
                 ['b4'] + [f'b4_{k}' for k in range(1, 6)], ['b5', 'b5_1', 'b5_2'], ['b6'],
                 ['b7', 'bn7']]
        return [[getattr(self, n) for n in group] for group in names]

    def _freeze(self):
        for group in self.stages()[:self.frozen_stages + 1]:
            for module in group:
                module.eval()
                for p in module.parameters():
                    p.requires_grad_(False)
        if self.norm_eval:  # PSA: BN in eval mode, weight and bias without gradients
            for m in self.modules():
                if isinstance(m, nn.BatchNorm2d):
                    for p in m.parameters():
                        p.requires_grad_(False)

    def train(self, mode=True):
        super().train(mode)
        if mode:
            for group in self.stages()[:self.frozen_stages + 1]:
                for module in group:
                    module.eval()
            if self.norm_eval:
                for m in self.modules():
                    if isinstance(m, nn.BatchNorm2d):
                        m.eval()
        return self

    def forward(self, x):
        x = self.conv1a(x)
        for block in (self.b2, self.b2_1, self.b2_2, self.b3, self.b3_1, self.b3_2, self.b4,
                      *[getattr(self, f'b4_{k}') for k in range(1, 6)]):
            x = block(x)
        x, conv4 = self.b5(x, get_x_bn_relu=True)
        x = self.b5_2(self.b5_1(x))
        x, conv5 = self.b6(x, get_x_bn_relu=True)
        x = self.b7(x)
        conv6 = F.relu(self.bn7(x))
        outs = (conv4, conv5, conv6)
        return tuple(outs[i] for i in self.out_indices)
