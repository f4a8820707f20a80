"""ACR (models/classifiers/acr.py, models/losses/acr_loss.py): SRF statistics, L_RU and L_CU on
hand-made tensors (values and signs), that each update moves only its own network, the
decoder's shapes (Table A1) and the optimiser groups of the official PolyOptimizer."""
import os.path as osp

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.logging import MessageHub
from mmengine.optim import build_optim_wrapper
from mmengine.registry import MODELS, init_default_scope

import wsss_plugins  # noqa: F401
from wsss_plugins.datasets import load_config
from wsss_plugins.models.classifiers.acr_networks import ReconstructionUNet
from wsss_plugins.models.losses.acr_loss import (classifier_loss, grid_side, keep_probability,
                                                 reconstructor_loss, remnant_grid,
                                                 target_classes, target_map)

ONES = torch.ones(1, 1, 2, 2)


def test_srf_draws_16_to_24_cells_per_side_uniformly():
    gen = torch.Generator().manual_seed(0)
    counts = np.bincount([grid_side((16, 24), gen) for _ in range(1800)], minlength=26)
    assert counts[:16].sum() == 0 and counts[25] == 0
    assert (abs(counts[16:25] - 200) < 50).all()  # 9 equally likely sides (sigma ~13)
    assert grid_side(16) == 16  # the official fixed grid
    # a drawn side is the side of the grid: the same draw as an explicit side
    a = remnant_grid(3, (40, 40), 0.5, (16, 24), generator=torch.Generator().manual_seed(3))
    side = grid_side((16, 24), torch.Generator().manual_seed(3))
    gen = torch.Generator().manual_seed(3)
    grid_side((16, 24), gen)
    b = F.interpolate(torch.bernoulli(torch.full((3, 1, side, side), 0.5), generator=gen),
                      (40, 40), mode='nearest')
    assert torch.equal(a, b)


@pytest.mark.parametrize('side', [16, 20])
def test_srf_grid_is_side_by_side_cells_kept_with_probability_q(side):
    gen = torch.Generator().manual_seed(side)
    grids = remnant_grid(300, (4 * side, 4 * side), 0.8, side, generator=gen)
    blocks = grids.reshape(300, 1, side, 4, side, 4)
    assert torch.equal(blocks.amax((3, 5)), blocks.amin((3, 5)))  # constant 4x4-pixel cells
    cells = blocks[:, :, :, 0, :, 0]
    assert abs(cells.mean().item() - 0.8) < 0.01  # 77k-120k Bernoulli(0.8) cells: sigma < 0.0015
    assert set(grids.unique().tolist()) == {0.0, 1.0}


def test_keep_probability_starts_at_0_8_and_falls_one_point_per_epoch():
    assert [keep_probability(e) for e in (0, 1, 20, 79)] == pytest.approx([0.8, 0.79, 0.6, 0.01])
    assert keep_probability(80) == pytest.approx(0) and keep_probability(95) == 0
    # the official removal probability (20 + epoch) / 100 is its complement
    assert all(abs(1 - keep_probability(e) - (20 + e) / 100) < 1e-9 for e in range(81))


def test_reconstructor_loss_on_hand_made_tensors():
    removed_t = torch.tensor([[[[1., 0.], [0., 0.]]]])
    removed_nt = torch.tensor([[[[0., 1.], [1., 0.]]]])
    zeros = torch.zeros_like(ONES)
    losses = reconstructor_loss(ONES, torch.zeros(1, 3), torch.tensor([[1., 0., 1.]]),
                                zeros, zeros, zeros, removed_t, removed_nt, min_kept=2)
    assert losses['loss_ru_cls'].item() == pytest.approx(np.log(2))  # zero logits
    assert losses['loss_ru_full'].item() == pytest.approx(0.2 * 1)
    assert losses['loss_ru_target'].item() == pytest.approx(0.3 * 1 / 4)
    assert losses['loss_ru_non_target'].item() == pytest.approx(0.5 * 2 / 4)
    # the official `valid`: a remnant of <= min_kept pixels drops the target term
    dropped = reconstructor_loss(ONES, torch.zeros(1, 3), torch.tensor([[1., 0., 1.]]), zeros,
                                 zeros, zeros, removed_t, removed_nt, min_kept=3)
    assert dropped['loss_ru_target'].item() == 0


def test_classifier_loss_values_and_signs():
    soft_t = torch.tensor([[[[0., 0.5], [1., 0.]]]])
    predicted = torch.tensor([[[[True, True], [False, True]]]])
    zeros = torch.zeros_like(ONES)
    losses = classifier_loss(ONES, torch.zeros(1, 2), torch.tensor([[1., 0.]]), zeros, zeros,
                             soft_t, predicted)
    assert losses['loss_cu_target'].item() == pytest.approx(-0.8 * 2 / 4)  # E_t = 1[s_t = 0]
    assert losses['loss_cu_non_target'].item() == pytest.approx(-0.3 * 0.5 / 4)  # s_t·1[pred]
    perfect = classifier_loss(ONES, torch.zeros(1, 2), torch.tensor([[1., 0.]]), ONES, ONES,
                              soft_t, predicted)
    # the classifier maximises the reconstruction error: a worse reconstruction lowers L_CU
    assert sum(losses.values()) < sum(perfect.values())
    assert perfect['loss_cu_target'].item() == 0 and perfect['loss_cu_non_target'].item() == 0


def test_target_map_normalises_masks_and_upsamples_the_chosen_class():
    cams = torch.tensor([[[[2., 4.]], [[-1., 3.]]]])  # [1, 2 classes, 1, 2]
    out = target_map(cams, torch.tensor([[1., 1.]]), torch.tensor([1]), (1, 4))
    # class 1: relu → [0, 3], min-max → [0, 1 - 1e-5/3...], bilinear ×2 along the row
    expected = F.interpolate(torch.tensor([[[[0., (3 - 1e-5) / (3 + 1e-5)]]]]), (1, 4),
                             mode='bilinear', align_corners=False)
    assert torch.allclose(out, expected)
    assert target_map(cams, torch.tensor([[1., 0.]]), torch.tensor([1]), (1, 4)).abs().sum() == 0
    gen = torch.Generator().manual_seed(0)
    labels = torch.tensor([[0., 1., 1., 0.], [0., 0., 0., 0.]])
    picks = torch.stack([target_classes(labels, gen) for _ in range(200)])
    assert set(picks[:, 0].tolist()) == {1, 2} and set(picks[:, 1].tolist()) == {0}


def test_decoder_follows_table_a1():
    unet = ReconstructionUNet(448, 3, num_downs=8, base_channels=64)
    x = torch.zeros(1, 448, 256, 256)
    shapes = []
    hooks = [m.register_forward_hook(lambda m, i, o: shapes.append(tuple(o.shape[1:])))
             for m in list(unet.downs) + list(unet.ups) + [unet.colorize]]
    with torch.no_grad():
        unet.eval()(x)
    for h in hooks:
        h.remove()
    assert shapes == [(64, 128, 128), (128, 64, 64), (256, 32, 32), (512, 16, 16),
                      (512, 8, 8), (512, 4, 4), (512, 2, 2), (512, 1, 1),
                      (1024, 2, 2), (1024, 4, 4), (1024, 8, 8), (1024, 16, 16),
                      (512, 32, 32), (256, 64, 64), (128, 128, 128), (3, 256, 256)]
    with pytest.raises(ValueError, match='divisible by 2\\^num_downs = 256'):
        unet(torch.zeros(1, 448, 96, 96))


@pytest.fixture(scope='module')
def toy_acr(repo_root):
    cfg = load_config(osp.join(repo_root, 'configs', 'acr', 'acr_toy.py'))
    cfg.model.backbone.init_cfg = None
    init_default_scope('mmseg')
    torch.manual_seed(0)
    return cfg, MODELS.build(cfg.model)


def toy_data(num_fg=4, size=(128, 128), batch=2):
    from mmseg.structures import SegDataSample
    rng = np.random.default_rng(0)
    samples = [SegDataSample(metainfo=dict(img_labels=np.eye(num_fg, dtype=np.float32)[k % num_fg],
                                           img_shape=size, ori_shape=size, pad_shape=size))
               for k in range(batch)]
    inputs = [torch.from_numpy(rng.integers(0, 256, (3, *size), dtype=np.uint8))
              for _ in range(batch)]
    return dict(inputs=inputs, data_samples=samples)


def snapshot(module):
    return {k: v.detach().clone() for k, v in module.state_dict().items()}


def changed(before, module):
    return {k for k, v in module.state_dict().items() if not torch.equal(before[k], v)}


def test_each_update_changes_only_its_own_network(toy_acr):
    cfg, model = toy_acr
    sgd = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.1))
    wrappers = build_optim_wrapper(model, dict(constructor='MultiOptimWrapperConstructor',
                                               classifier=sgd, reconstructor=sgd))
    data = model.data_preprocessor(toy_data(), True)
    labels = torch.eye(4)[:2]
    targets = torch.tensor([0, 1])
    grid = remnant_grid(2, (128, 128), 0.8, 16)
    model.classifier.eval()
    model.reconstructor.train()
    before_c, before_r = snapshot(model.classifier), snapshot(model.reconstructor)
    losses = model.reconstructor_losses(data['inputs'], labels, targets, grid)[0]
    model._update(losses, wrappers['reconstructor'], 'ru')
    assert not changed(before_c, model.classifier)  # weights and BN statistics
    moved = changed(before_r, model.reconstructor)
    assert any(k.startswith('decoder.') for k in moved) and any(k.startswith('fc9') for k in moved)
    assert any(k.startswith('dr1') for k in moved) and any(k.startswith('backbone.') for k in moved)

    model.classifier.train()
    model.reconstructor.eval()
    before_c, before_r = snapshot(model.classifier), snapshot(model.reconstructor)
    from wsss_plugins.models.classifiers.acr import frozen
    with frozen(model.reconstructor):
        losses = model.classifier_losses(data['inputs'], labels, targets)[0]
    model._update(losses, wrappers['classifier'], 'cu')
    assert not changed(before_r, model.reconstructor)
    assert all(p.grad is None or not p.grad.any() for p in model.reconstructor.parameters())
    assert {k.split('.')[0] for k in changed(before_c, model.classifier)} >= {'backbone', 'fc8',
                                                                           'fc9'}
    assert all(p.requires_grad for p in model.reconstructor.decoder.parameters())


def test_classifier_gets_gradient_from_the_reconstruction_terms_alone(toy_acr):
    """With the BCE weight at 0, L_CU's only path into the classifier is s_t through the
    frozen decoder: the classifier must still receive a gradient."""
    cfg, model = toy_acr
    data = model.data_preprocessor(toy_data(), True)
    model.cu_weights = (0.0, 0.8, 0.3)
    try:
        model.classifier.zero_grad()
        from wsss_plugins.models.classifiers.acr import frozen
        model.eval()
        with frozen(model.reconstructor):
            losses = model.classifier_losses(data['inputs'], torch.eye(4)[:2],
                                             torch.tensor([0, 1]))[0]
        sum(losses.values()).backward()
        assert model.classifier.fc8.weight.grad.abs().sum() > 0
    finally:
        model.cu_weights = tuple(cfg.model.cu_weights)
        model.classifier.zero_grad()


def test_train_step_steps_both_and_skips_a_non_finite_loss(toy_acr):
    cfg, model = toy_acr
    sgd = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.01))
    wrappers = build_optim_wrapper(model, dict(constructor='MultiOptimWrapperConstructor',
                                               classifier=sgd, reconstructor=sgd))
    MessageHub.get_current_instance().update_info('epoch', 5)
    before_c, before_r = snapshot(model.classifier), snapshot(model.reconstructor)
    log = model.train_step(toy_data(), wrappers)
    assert log["keep_prob"].item() == pytest.approx(0.8 - 5 * 0.16)  # acr_toy: 16% per epoch
    assert changed(before_c, model.classifier) and changed(before_r, model.reconstructor)
    assert log['loss_cu_target'] < 0 < log['loss_ru_target']
    nan_data = toy_data()
    model.ru_weights = (float('nan'), 0.2, 0.3, 0.5)
    try:
        before_r = snapshot(model.reconstructor)
        log = model.train_step(nan_data, wrappers)
        assert log['ru_skipped'] == 1 and log['cu_skipped'] == 0
        assert not {k for k in changed(before_r, model.reconstructor) if 'running' not in k
                    and 'num_batches' not in k}
    finally:
        model.ru_weights = tuple(cfg.model.ru_weights)
        MessageHub.get_current_instance().update_info('epoch', 0)


def test_voc_optimisers_follow_the_official_parameter_groups(repo_root):
    cfg = load_config(osp.join(repo_root, 'configs', 'acr', 'acr_wr38_voc.py'))
    model_cfg = cfg.model
    model_cfg.backbone.update(init_cfg=None, widen_factor=0.125)  # groups do not depend on width
    init_default_scope('mmseg')
    model = MODELS.build(model_cfg)
    wrappers = build_optim_wrapper(model, cfg.optim_wrapper)
    assert set(wrappers.keys()) == {'classifier', 'reconstructor'}
    groups = {id(p): g for g in wrappers['reconstructor'].optimizer.param_groups
              for p in g['params']}
    deconv = model.reconstructor.decoder.ups[0].deconv.weight
    assert groups[id(deconv)]['lr'] == pytest.approx(0.1)  # x10
    bias = model.reconstructor.decoder.colorize[1].bias
    assert groups[id(bias)]['lr'] == pytest.approx(0.02) and groups[id(bias)]['weight_decay'] == 0
    conv = model.reconstructor.decoder.downs[0][0].weight
    assert groups[id(conv)]['lr'] == pytest.approx(0.01) and groups[id(conv)]['weight_decay'] == 5e-4
    opt = wrappers['classifier'].optimizer
    assert opt.defaults['momentum'] == 5e-4  # the PolyOptimizer positional quirk
    assert not any(p.requires_grad for m in model.modules()
                   if isinstance(m, torch.nn.BatchNorm2d) for p in m.parameters())


def test_the_official_poly_holds_its_last_value_after_40_of_100_epochs():
    """PolyOptimizer: lr·(1 − i/T)^0.9 for i < T, then (1/T)^0.9·lr held (MMEngine's PolyLR
    would reach 0 at T − 1 and train nothing after it)."""
    from wsss_plugins.engine.schedulers import PolyOptimizerLR
    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=0.01)
    scheduler = PolyOptimizerLR(opt, power=0.9, begin=0, end=10, by_epoch=False)
    lrs = []
    for _ in range(15):
        lrs.append(opt.param_groups[0]['lr'])
        opt.step()
        scheduler.step()
    expected = [0.01 * (1 - i / 10) ** 0.9 for i in range(10)] + [0.01 * 0.1 ** 0.9] * 5
    assert lrs == pytest.approx(expected, rel=1e-9)
