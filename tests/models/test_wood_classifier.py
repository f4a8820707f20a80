"""WOoDClassifier: W-OoD training changes only stage 3, stage 4 and the classifier (the
reference's optimiser holds exactly those), the OoD batch is normalised like the
in-distribution one, and training refuses to start without prototypes."""
import pytest
import torch
from mmengine.optim import OptimWrapper
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

import wsss_plugins  # noqa: F401 - registers WOoDClassifier

MEAN, STD = [123.675, 116.28, 103.53], [58.395, 57.12, 57.375]


def build_wood(**kwargs):
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS
    init_default_scope('mmseg')
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='WOoDClassifier', num_classes=3, num_ood_prototypes=4,
        data_preprocessor=dict(type='WOoDDataPreProcessor', mean=MEAN, std=STD,
                               bgr_to_rgb=True, pad_val=0, seg_pad_val=255, size=(32, 32)),
        backbone=dict(type='ResNet', depth=18, base_channels=8, stem_channels=8,
                      strides=(1, 2, 2, 1), out_indices=(3, ), norm_eval=False,
                      frozen_stages=2, init_cfg=None), **kwargs))


def batch(n=4, seed=0):
    gen = torch.Generator().manual_seed(seed)

    def samples(labels):
        out = []
        for label in labels:
            s = SegDataSample(gt_sem_seg=PixelData(data=torch.zeros(1, 32, 32, dtype=torch.long)))
            s.set_metainfo(dict(img_labels=label, img_shape=(32, 32), pad_shape=(32, 32)))
            out.append(s)
        return out

    labels = [[1., 0., 0.], [0., 1., 1.], [0., 0., 1.], [1., 1., 0.]][:n]
    images = [torch.randint(0, 256, (3, 32, 32), generator=gen, dtype=torch.uint8)
              for _ in range(2 * n)]
    return dict(inputs=images[:n], data_samples=samples(labels),
                ood=dict(inputs=images[n:], data_samples=samples([[0., 0., 0.]] * n)))


def test_only_stage3_stage4_and_the_classifier_change():
    model = build_wood()
    model.prototypes.copy_(torch.randn(model.prototypes.shape) * 0.1)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    optim = OptimWrapper(torch.optim.SGD([p for p in model.parameters() if p.requires_grad],
                                         lr=0.1, momentum=0.9))
    model.train()
    for step in range(3):
        losses = model.train_step(batch(seed=step), optim)
        assert set(losses) == {'loss', 'loss_cls', 'loss_distance', 'loss_ood'}
    after = model.state_dict()
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    frozen = ('backbone.conv1', 'backbone.bn1', 'backbone.layer1', 'backbone.layer2')
    assert not [k for k in changed if k.startswith(frozen)]
    assert 'prototypes' not in changed
    for trained in ('backbone.layer3', 'backbone.layer4', 'classifier'):
        assert any(k.startswith(trained) and 'weight' in k for k in changed), trained


def test_ood_batch_is_normalised_like_the_in_distribution_batch():
    model = build_wood()
    data = batch()
    same = dict(data, ood=dict(inputs=data['inputs'], data_samples=data['data_samples']))
    out = model.data_preprocessor(same, training=True)
    assert torch.equal(out['ood_inputs'], out['inputs'])
    assert out['inputs'].shape == (4, 3, 32, 32)


def test_training_needs_prototypes_and_an_ood_batch():
    model = build_wood()
    data = model.data_preprocessor(batch(), training=True)
    with pytest.raises(RuntimeError, match='WOoDPrototypeHook'):
        model(**data, mode='loss')
    model.prototypes.fill_(1.0)
    with pytest.raises(ValueError, match='no OoD batch'):
        model(data['inputs'], data['data_samples'], mode='loss')
    # the reference's class-4 mask: OoD images whose arg-max class is excluded do not count
    masked = build_wood(ood_excluded_class=0)
    masked.prototypes.fill_(1.0)
    assert masked(**data, mode='loss')['loss_ood'] <= model(**data, mode='loss')['loss_ood']
