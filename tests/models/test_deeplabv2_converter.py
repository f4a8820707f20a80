"""deeplabv2_caffe converter: deeplab-pytorch DeepLab-v2 keys -> DeepLabResNet + DeepLabV2Head.

The reference below is built in the deeplab-pytorch layout (libs/models/resnet.py
_Stem/_ResLayer/_Bottleneck, deeplabv2.py _ASPP) at width 8 with ResNet-50 block counts;
converted random weights must give our model the same parameters and the same output.
"""
from collections import OrderedDict

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.registry import init_default_scope

import wsss_plugins  # noqa: F401
from mmseg.registry import MODELS
from wsss_plugins.registry import CHECKPOINT_CONVERTERS

WIDTH, BLOCKS, NUM_CLASSES = 8, (3, 4, 6, 3), 5


class ConvBnReLU(nn.Sequential):

    def __init__(self, cin, cout, k, stride, pad, dilation, relu=True):
        super().__init__()
        self.add_module('conv', nn.Conv2d(cin, cout, k, stride, pad, dilation, bias=False))
        self.add_module('bn', nn.BatchNorm2d(cout))
        if relu:
            self.add_module('relu', nn.ReLU())


class Bottleneck(nn.Module):

    def __init__(self, cin, cout, stride, dilation, downsample):
        super().__init__()
        mid = cout // 4
        self.reduce = ConvBnReLU(cin, mid, 1, stride, 0, 1)
        self.conv3x3 = ConvBnReLU(mid, mid, 3, 1, dilation, dilation)
        self.increase = ConvBnReLU(mid, cout, 1, 1, 0, 1, relu=False)
        self.shortcut = ConvBnReLU(cin, cout, 1, stride, 0, 1, relu=False) \
            if downsample else nn.Identity()

    def forward(self, x):
        return F.relu(self.increase(self.conv3x3(self.reduce(x))) + self.shortcut(x))


def res_layer(n, cin, cout, stride, dilation):
    return nn.Sequential(OrderedDict(
        (f'block{i + 1}', Bottleneck(cin if i == 0 else cout, cout, stride if i == 0 else 1,
                                     dilation, i == 0)) for i in range(n)))


class ASPP(nn.Module):

    def __init__(self, cin, cout, rates):
        super().__init__()
        for i, r in enumerate(rates):
            self.add_module(f'c{i}', nn.Conv2d(cin, cout, 3, 1, r, r, bias=True))

    def forward(self, x):
        return sum(stage(x) for stage in self.children())


class ReferenceDeepLabV2(nn.Sequential):

    def __init__(self):
        super().__init__()
        ch = [WIDTH * 2**p for p in range(6)]
        self.add_module('layer1', nn.Sequential(OrderedDict(
            conv1=ConvBnReLU(3, ch[0], 7, 2, 3, 1),
            pool=nn.MaxPool2d(3, 2, 1, ceil_mode=True))))
        self.add_module('layer2', res_layer(BLOCKS[0], ch[0], ch[2], 1, 1))
        self.add_module('layer3', res_layer(BLOCKS[1], ch[2], ch[3], 2, 1))
        self.add_module('layer4', res_layer(BLOCKS[2], ch[3], ch[4], 1, 2))
        self.add_module('layer5', res_layer(BLOCKS[3], ch[4], ch[5], 1, 4))
        self.add_module('aspp', ASPP(ch[5], NUM_CLASSES, (6, 12, 18, 24)))


def reference_state_dict():
    torch.manual_seed(0)
    ref = ReferenceDeepLabV2()
    with torch.no_grad():
        for name, t in ref.state_dict().items():
            if name.endswith('running_var'):
                t.uniform_(0.5, 1.5)
            elif name.endswith('num_batches_tracked'):
                t.fill_(7)
            else:
                t.normal_(0, 0.2)
    return ref.eval(), ref.state_dict()


def build_ours(init_cfg=None):
    init_default_scope('mmseg')
    return MODELS.build(dict(
        type='MSCEncoderDecoder',
        backbone=dict(type='DeepLabResNet', depth=50, base_channels=WIDTH,
                      stem_channels=WIDTH, style='caffe', strides=(1, 2, 1, 1),
                      dilations=(1, 1, 2, 4), contract_dilation=False, out_indices=(3, ),
                      norm_cfg=dict(type='BN', requires_grad=False), norm_eval=True,
                      init_cfg=init_cfg),
        decode_head=dict(type='DeepLabV2Head', in_channels=32 * WIDTH,
                         num_classes=NUM_CLASSES))).eval()


@pytest.mark.parametrize('prefix', ['', 'base.', 'module.base.', 'module.scale.'])
def test_every_key_maps_and_outputs_match(prefix):
    ref, src = reference_state_dict()
    src = OrderedDict((prefix + k, v) for k, v in src.items())
    src[prefix + 'fc.weight'] = torch.zeros(10, 32 * WIDTH)  # ImageNet classifier: dropped
    convert = CHECKPOINT_CONVERTERS.get('deeplabv2_caffe')
    converted = convert(src)
    ours = build_ours()
    assert set(converted) == set(ours.state_dict())
    ours.load_state_dict(converted, strict=True)
    # identical tensors, e.g. a shortcut BN statistic and an ASPP bias
    assert torch.equal(ours.backbone.layer3[0].downsample[1].running_var,
                       src[prefix + 'layer4.block1.shortcut.bn.running_var'])
    assert torch.equal(ours.decode_head.convs[2].bias, src[prefix + 'aspp.c2.bias'])
    assert torch.equal(ours.backbone.layer2[3].conv2.weight,
                       src[prefix + 'layer3.block4.conv3x3.conv.weight'])
    x = torch.randn(1, 3, 36, 44)  # 36 -> 18 -> ceil-mode pool 10 (floor would give 9)
    with torch.no_grad():
        expected = ref(x)
        got = ours._forward(x)
    assert expected.shape == (1, NUM_CLASSES, 5, 6)
    torch.testing.assert_close(got, expected, rtol=1e-4, atol=1e-4)


def test_head_alone_matches_reference_aspp():
    ref, src = reference_state_dict()
    ours = build_ours()
    ours.load_state_dict(CHECKPOINT_CONVERTERS.get('deeplabv2_caffe')(src))
    feat = torch.randn(2, 32 * WIDTH, 7, 9)
    with torch.no_grad():
        torch.testing.assert_close(ours.decode_head((feat, )), ref.aspp(feat))


def test_pretrained_init_through_the_config_prefix(tmp_path):
    """The configs load the converted file with init_cfg Pretrained(prefix='backbone.')."""
    _, src = reference_state_dict()
    path = str(tmp_path / 'converted.pth')
    torch.save(dict(state_dict=CHECKPOINT_CONVERTERS.get('deeplabv2_caffe')(src)), path)
    ours = build_ours(init_cfg=dict(type='Pretrained', checkpoint=path, prefix='backbone.'))
    ours.init_weights()
    assert torch.equal(ours.backbone.conv1.weight, src['layer1.conv1.conv.weight'])
    assert torch.equal(ours.backbone.bn1.running_mean, src['layer1.conv1.bn.running_mean'])
    assert torch.equal(ours.backbone.layer4[2].conv3.weight,
                       src['layer5.block3.increase.conv.weight'])


def test_unknown_key_is_named():
    with pytest.raises(KeyError, match='layer6.block1'):
        CHECKPOINT_CONVERTERS.get('deeplabv2_caffe')(
            {'layer6.block1.reduce.conv.weight': torch.zeros(1)})
