"""tools/convert_checkpoint.py --src irn_cam: an official IRN/AdvCAM CAM net (module layout
re-created below from IRN's net/resnet50.py + net/resnet50_cam.py, random weights and BN
statistics) gives the same logits and CAMs as our CAMClassifier after conversion."""
import importlib.util
import os.path as osp

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F


class FixedBatchNorm(nn.BatchNorm2d):

    def forward(self, x):
        return F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                            training=False, eps=self.eps)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, inplanes, planes, stride=1, downsample=None):
        super().__init__()
        self.conv1 = nn.Conv2d(inplanes, planes, 1, bias=False)
        self.bn1 = FixedBatchNorm(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, stride=stride, padding=1, bias=False)
        self.bn2 = FixedBatchNorm(planes)
        self.conv3 = nn.Conv2d(planes, planes * 4, 1, bias=False)
        self.bn3 = FixedBatchNorm(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        return self.relu(out + (x if self.downsample is None else self.downsample(x)))


class IRNResNet50(nn.Module):

    def __init__(self, strides=(2, 2, 2, 1)):
        super().__init__()
        self.inplanes = 64
        self.conv1 = nn.Conv2d(3, 64, 7, stride=strides[0], padding=3, bias=False)
        self.bn1 = FixedBatchNorm(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, stride=2, padding=1)
        self.layer1 = self._make_layer(64, 3, 1)
        self.layer2 = self._make_layer(128, 4, strides[1])
        self.layer3 = self._make_layer(256, 6, strides[2])
        self.layer4 = self._make_layer(512, 3, strides[3])

    def _make_layer(self, planes, blocks, stride):
        downsample = None
        if stride != 1 or self.inplanes != planes * 4:
            downsample = nn.Sequential(nn.Conv2d(self.inplanes, planes * 4, 1, stride=stride,
                                                 bias=False), FixedBatchNorm(planes * 4))
        layers = [Bottleneck(self.inplanes, planes, stride, downsample)]
        self.inplanes = planes * 4
        layers += [Bottleneck(self.inplanes, planes) for _ in range(1, blocks)]
        return nn.Sequential(*layers)


class IRNCAMNet(nn.Module):
    """IRN net/resnet50_cam.py: Net (training logits) + CAM.forward (flip-summed relu maps)."""

    def __init__(self):
        super().__init__()
        self.resnet50 = IRNResNet50()
        r = self.resnet50
        self.stage1 = nn.Sequential(r.conv1, r.bn1, r.relu, r.maxpool, r.layer1)
        self.stage2 = nn.Sequential(r.layer2)
        self.stage3 = nn.Sequential(r.layer3)
        self.stage4 = nn.Sequential(r.layer4)
        self.classifier = nn.Conv2d(2048, 20, 1, bias=False)
        self.backbone = nn.ModuleList([self.stage1, self.stage2, self.stage3, self.stage4])
        self.newly_added = nn.ModuleList([self.classifier])

    def features(self, x):
        return self.stage4(self.stage3(self.stage2(self.stage1(x))))

    def forward(self, x):
        x = self.features(x).mean((2, 3), keepdim=True)
        return self.classifier(x).view(-1, 20)

    def cam(self, x):
        x = F.relu(F.conv2d(self.features(x), self.classifier.weight))
        return x[0] + x[1].flip(-1)


def load_tool(repo_root):
    path = osp.join(repo_root, 'tools', 'convert_checkpoint.py')
    spec = importlib.util.spec_from_file_location('convert_checkpoint_tool', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope='module')
def official():
    torch.manual_seed(0)
    net = IRNCAMNet().eval()
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.running_mean.uniform_(-0.1, 0.1)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
    return net


def test_converted_checkpoint_reproduces_logits_and_cams(official, tmp_path, repo_root):
    from mmengine.registry import init_default_scope
    from mmengine.runner import load_checkpoint
    from mmseg.registry import MODELS

    import wsss_plugins  # noqa: F401
    src = str(tmp_path / 'res50_cam.pth.pth')
    torch.save(official.state_dict(), src)
    # The official file holds every weight under several names.
    assert {'resnet50.conv1.weight', 'stage1.0.weight', 'backbone.0.0.weight',
            'newly_added.0.weight'} <= set(official.state_dict())

    dst = str(tmp_path / 'converted.pth')
    converted = load_tool(repo_root).convert_file('irn_cam', src, dst)
    n_resnet = sum(k.startswith('resnet50.') for k in official.state_dict())
    assert 'backbone.layer4.2.bn3.running_var' in converted and len(converted) == n_resnet + 1

    init_default_scope('mmseg')
    model = MODELS.build(dict(
        type='CAMClassifier', num_classes=20,
        backbone=dict(type='ResNet', depth=50, strides=(1, 2, 2, 1), out_indices=(3, ),
                      norm_eval=True, frozen_stages=2, contract_dilation=False)))
    load_checkpoint(model, dst, map_location='cpu', strict=True, logger='silent')
    model.eval()

    x = torch.randn(2, 3, 64, 80)
    pair = torch.stack([x[0], x[0].flip(-1)])
    with torch.no_grad():
        ref_logits, ref_cam = official(x), official.cam(pair)
        logits = model.logits(x)
        cam = model.cam(pair)
        cam = cam[0] + cam[1].flip(-1)
    assert cam.shape == ref_cam.shape == (20, 4, 5)  # output stride 16
    assert torch.allclose(logits, ref_logits, rtol=1e-4, atol=1e-5)
    assert torch.allclose(cam, ref_cam, rtol=1e-4, atol=1e-5)
    assert (ref_cam > 0).any()


def test_rebuilds_from_stage_keys_and_rejects_other_files(official):
    from wsss_plugins.registry import CHECKPOINT_CONVERTERS
    convert = CHECKPOINT_CONVERTERS.get('irn_cam')
    full = convert(official.state_dict())
    stages_only = {'module.' + k: v for k, v in official.state_dict().items()
                   if not k.startswith(('resnet50.', 'backbone.'))}
    rebuilt = convert(stages_only)
    assert rebuilt.keys() == full.keys()
    assert all(torch.equal(rebuilt[k], full[k]) for k in full)
    with pytest.raises(KeyError, match='classifier.weight'):
        convert({'conv1.weight': torch.zeros(1)})


def _unit(cin, cout, groups, up=None):
    layers = [nn.Conv2d(cin, cout, 1, bias=False), nn.GroupNorm(groups, cout)]
    if up:
        layers.append(nn.Upsample(scale_factor=up, mode='bilinear', align_corners=False))
    return nn.Sequential(*layers, nn.ReLU(inplace=True))


class MeanShift(nn.Module):
    """IRN's: the identity in training, minus ``running_mean`` (the displacement mean) in eval."""

    def __init__(self):
        super().__init__()
        self.register_buffer('running_mean', torch.zeros(2))

    def forward(self, x):
        return x if self.training else x - self.running_mean.view(1, 2, 1, 1)


class IRNBoundaryNet(nn.Module):
    """IRN net/resnet50_irn.py (AffinityDisplacementLoss as saved in res50_irn.pth): the
    backbone under three names, both branches under two, the training path indices."""

    def __init__(self):
        super().__init__()
        self.resnet50 = r = IRNResNet50()
        self.stage1 = nn.Sequential(r.conv1, r.bn1, r.relu, r.maxpool)
        self.stage2, self.stage3 = nn.Sequential(r.layer1), nn.Sequential(r.layer2)
        self.stage4, self.stage5 = nn.Sequential(r.layer3), nn.Sequential(r.layer4)
        self.fc_edge1, self.fc_edge2 = _unit(64, 32, 4), _unit(256, 32, 4)
        self.fc_edge3, self.fc_edge4 = _unit(512, 32, 4, 2), _unit(1024, 32, 4, 4)
        self.fc_edge5, self.fc_edge6 = _unit(2048, 32, 4, 4), nn.Conv2d(160, 1, 1, bias=True)
        self.fc_dp1, self.fc_dp2, self.fc_dp3 = _unit(64, 64, 8), _unit(256, 128, 16), \
            _unit(512, 256, 16)
        self.fc_dp4, self.fc_dp5 = _unit(1024, 256, 16, 2), _unit(2048, 256, 16, 2)
        self.fc_dp6 = _unit(768, 256, 16, 2)
        self.fc_dp7 = nn.Sequential(nn.Conv2d(448, 256, 1, bias=False), nn.GroupNorm(16, 256),
                                    nn.ReLU(inplace=True), nn.Conv2d(256, 2, 1, bias=False),
                                    MeanShift())
        self.backbone = nn.ModuleList([self.stage1, self.stage2, self.stage3, self.stage4,
                                       self.stage5])
        self.edge_layers = nn.ModuleList([getattr(self, f'fc_edge{i}') for i in range(1, 7)])
        self.dp_layers = nn.ModuleList([getattr(self, f'fc_dp{i}') for i in range(1, 8)])
        self.path_indices0 = nn.Parameter(torch.zeros(3, 4, dtype=torch.long),
                                          requires_grad=False)
        self.ind_from = nn.Parameter(torch.zeros(1, 5, dtype=torch.long), requires_grad=False)

    def forward(self, x):
        x1 = self.stage1(x)
        x2 = self.stage2(x1)
        x3 = self.stage3(x2)
        x4 = self.stage4(x3)
        x5 = self.stage5(x4)
        e2 = self.fc_edge2(x2)
        crop = (lambda t, ref: t[..., :ref.size(2), :ref.size(3)])
        edge = self.fc_edge6(torch.cat([self.fc_edge1(x1), e2, crop(self.fc_edge3(x3), e2),
                                        crop(self.fc_edge4(x4), e2),
                                        crop(self.fc_edge5(x5), e2)], 1))
        dp2, dp3 = self.fc_dp2(x2), self.fc_dp3(x3)
        up = crop(self.fc_dp6(torch.cat([dp3, crop(self.fc_dp4(x4), dp3),
                                         crop(self.fc_dp5(x5), dp3)], 1)), dp2)
        return edge, self.fc_dp7(torch.cat([self.fc_dp1(x1), dp2, up], 1))


def test_converted_irn_checkpoint_loads_strictly_and_reproduces_edges(tmp_path, repo_root):
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS

    from wsss_plugins.utils.checkpoint import load_weights
    torch.manual_seed(0)
    official = IRNBoundaryNet().eval()
    with torch.no_grad():
        for m in official.modules():
            if isinstance(m, nn.GroupNorm):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.1, 0.1)
        official.fc_dp7[4].running_mean.copy_(torch.tensor([0.25, -1.5]))  # train_irn.py's
    src, dst = str(tmp_path / 'res50_irn.pth'), str(tmp_path / 'irn_converted.pth')
    torch.save(official.state_dict(), src)
    load_tool(repo_root).convert_file('irn', src, dst)

    init_default_scope('mmseg')
    model = MODELS.build(dict(
        type='IRNet', backbone=dict(type='ResNet', depth=50, strides=(1, 2, 2, 1),
                                    out_indices=(0, 1, 2, 3), contract_dilation=False,
                                    norm_eval=True, frozen_stages=4)))
    report = load_weights(model, dst, strict=True)  # every key of IRNet, nothing else
    assert report == dict(missing=[], unexpected=[], mismatched=[])
    model.eval()
    x = torch.randn(1, 3, 64, 80)
    with torch.no_grad():
        ref_edge, ref_dp = official(x)
        edge, dp = model(x)
    assert edge.shape == ref_edge.shape == (1, 1, 16, 20)
    assert torch.allclose(edge, ref_edge, rtol=1e-4, atol=1e-5)
    assert torch.allclose(dp, ref_dp, rtol=1e-4, atol=1e-5)  # both shifted by the mean
    assert model.displacement_mean.tolist() == [0.25, -1.5]
    with torch.no_grad():
        raw = model.raw_displacement(x)
    assert torch.allclose(raw - dp, torch.tensor([0.25, -1.5]).view(1, 2, 1, 1), atol=1e-6)

    from wsss_plugins.registry import CHECKPOINT_CONVERTERS
    convert = CHECKPOINT_CONVERTERS.get('irn')
    stages_only = {k: v for k, v in official.state_dict().items()
                   if not k.startswith(('resnet50.', 'backbone.'))}
    full = torch.load(dst)['state_dict']
    rebuilt = convert(stages_only)
    assert rebuilt.keys() == full.keys() and all(torch.equal(rebuilt[k], full[k]) for k in full)
    with pytest.raises(KeyError, match='fc_edge6.weight'):
        convert(official.resnet50.state_dict())
