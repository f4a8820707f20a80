"""Official AMN checkpoint → ``AMN``: identical logits from a converted random state dict.

The official module (gaviotas/AMN ``net/resnet50_amn.py`` on IRN ``net/resnet50.py``) is
re-created below in plain torch with its attribute names and aliases, at width 16 to stay
small (the key layout does not depend on the width).
"""
import os.path as osp

import pytest
import torch
import torch.nn as nn
from wsss_plugins.datasets import load_config

WIDTH = 16


class Bottleneck(nn.Module):  # IRN resnet50.Bottleneck (torchvision names, stride on 3x3)
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


class ResNet(nn.Module):  # IRN resnet50.ResNet with strides (2, 2, 2, 1), no fc
    def __init__(self, width, strides=(2, 2, 2, 1)):
        super().__init__()
        self.inplanes = width
        self.conv1 = nn.Conv2d(3, width, 7, stride=strides[0], padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = self._make_layer(width, 3, 1)
        self.layer2 = self._make_layer(width * 2, 4, strides[1])
        self.layer3 = self._make_layer(width * 4, 6, strides[2])
        self.layer4 = self._make_layer(width * 8, 3, strides[3])

    def _make_layer(self, planes, blocks, stride):
        downsample = None
        if stride != 1 or self.inplanes != planes * 4:
            downsample = nn.Sequential(
                nn.Conv2d(self.inplanes, planes * 4, 1, stride=stride, bias=False),
                nn.BatchNorm2d(planes * 4))
        layers = [Bottleneck(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * 4
        layers += [Bottleneck(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)


class _ASPP(nn.Module):
    def __init__(self, in_ch, out_ch, rates):
        super().__init__()
        for i, rate in enumerate(rates):
            self.add_module(f'c{i}', nn.Conv2d(in_ch, out_ch, 3, 1, padding=rate,
                                               dilation=rate, bias=True))

    def forward(self, x):
        return sum(stage(x) for stage in self.children())


class OfficialNet(nn.Module):  # net/resnet50_amn.py::Net, same attributes and aliases
    def __init__(self, num_fg=20):
        super().__init__()
        self.resnet50 = ResNet(WIDTH)
        r = self.resnet50
        self.stage1 = nn.Sequential(r.conv1, r.bn1, r.relu, r.maxpool, r.layer1)
        self.stage2 = nn.Sequential(r.layer2)
        self.stage3 = nn.Sequential(r.layer3)
        self.stage4 = nn.Sequential(r.layer4)
        channels = WIDTH * 32
        self.label_enc = nn.Linear(num_fg, channels)
        self.classifier = nn.Sequential(nn.Dropout(0.1),
                                        _ASPP(channels, num_fg + 1, [6, 12, 18, 24]))
        self.backbone = nn.ModuleList([self.stage1, self.stage2, self.stage3, self.stage4])
        self.newly_added = nn.ModuleList([self.classifier, self.label_enc])

    def forward(self, img, label_cls):
        y = self.label_enc(label_cls).unsqueeze(-1).unsqueeze(-1)
        x = self.stage4(self.stage3(self.stage2(self.stage1(img))))
        return self.classifier(x * y)


def randomized_official():
    torch.manual_seed(0)
    net = OfficialNet()
    for m in net.modules():
        if isinstance(m, nn.BatchNorm2d):  # non-trivial running statistics and affine
            m.running_mean.uniform_(-0.1, 0.1)
            m.running_var.uniform_(0.5, 1.5)
            nn.init.uniform_(m.weight, 0.5, 1.5)
            nn.init.uniform_(m.bias, -0.1, 0.1)
    return net.eval()


def test_converted_random_checkpoint_gives_identical_logits(repo_root, tmp_path):
    import wsss_plugins  # noqa: F401
    from mmengine.registry import init_default_scope
    from mmengine.runner import load_checkpoint
    from mmseg.registry import MODELS

    from wsss_plugins.registry import CHECKPOINT_CONVERTERS

    official = randomized_official()
    state = {'module.' + k: v for k, v in official.state_dict().items()}  # DataParallel save
    assert any(k.startswith('module.newly_added.0.1.c3') for k in state)  # aliases present
    converted = CHECKPOINT_CONVERTERS.get('amn')(state)
    assert 'label_encs.layer4.weight' in converted
    assert 'decode_head.convs.2.bias' in converted
    assert not any(k.startswith(('stage', 'newly_added', 'backbone.0')) for k in converted)

    init_default_scope('mmseg')
    cfg = load_config(osp.join(repo_root, 'configs/amn/amn_r50_voc.py'))
    cfg.model.backbone.update(base_channels=WIDTH, stem_channels=WIDTH, init_cfg=None)
    cfg.model.decode_head.in_channels = WIDTH * 32
    model = MODELS.build(cfg.model).eval()
    path = str(tmp_path / 'amn.pth')
    torch.save({'state_dict': converted}, path)
    load_checkpoint(model, path, map_location='cpu', strict=True, logger='silent')

    img = torch.randn(2, 3, 96, 80)
    labels = torch.zeros(2, 20)
    labels[0, [4, 14]] = 1
    labels[1, 7] = 1
    with torch.no_grad():
        expected = official(img, labels)
        ours = model.logits(img, labels)
    assert ours.shape == expected.shape == (2, 21, 6, 5)
    torch.testing.assert_close(ours, expected, rtol=1e-4, atol=1e-5)


def test_unknown_layout_is_named():
    from wsss_plugins.registry import CHECKPOINT_CONVERTERS
    convert = CHECKPOINT_CONVERTERS.get('amn')
    with pytest.raises(KeyError, match='not an AMN checkpoint'):
        convert({'classifier.weight': torch.zeros(1)})
    with pytest.raises(KeyError, match='extra.weight'):
        convert({'resnet50.conv1.weight': torch.zeros(1), 'label_enc.weight': torch.zeros(1),
                 'extra.weight': torch.zeros(1)})
