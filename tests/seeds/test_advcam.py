"""AdvCAM (methods.md §2.2): every ingredient pinned to hand-computed values, the iteration
schedule counted, and the whole generator checked against a literal, hook-based
transcription of the official ``obtain_CAM_masking.py`` loop."""
import numpy as np
import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from wsss_plugins.seeds import advcam
from wsss_plugins.seeds.advcam import (AdvCAMSeedGenerator, adv_climb, climb_objective,
                                       climb_schedule, discriminative_mask, gap2d_pos,
                                       gradcam_regions)
from wsss_plugins.seeds.msf import flip_pair, strided_size, strided_up_size


class TinyCAMNet(nn.Module):
    """Stand-in with the CAMClassifier interface: features at stride 4, bias-free 1x1 classifier."""

    def __init__(self, num_classes=3, channels=6, seed=0):
        super().__init__()
        torch.manual_seed(seed)
        self.conv = nn.Conv2d(3, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.classifier = nn.Conv2d(channels, num_classes, 1, bias=False)
        self.calls = []

    def features(self, x):
        self.calls.append(tuple(x.shape))
        return F.relu(self.conv2(F.avg_pool2d(F.relu(self.conv(x)), 4)))

    def class_maps(self, feats):
        return F.conv2d(feats, self.classifier.weight)

    def cam(self, x):
        return F.relu(self.class_maps(self.features(x)))


@pytest.fixture(autouse=True, scope='module')
def _one_thread():
    # Tiny tensors: one thread avoids oversubscription on the shared 2-core CI machine
    # (the official script also runs with torch.set_num_threads(1)).
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)


# --- ingredients -----------------------------------------------------------------------

def test_climb_schedule_halves_at_the_half_scale_and_keeps_mul_2():
    assert climb_schedule(27, half=True) == (13, 2)
    assert climb_schedule(27, half=False) == (27, 2)  # the mul_for_scale quirk
    assert climb_schedule(5, half=True) == (5, 1)
    assert climb_schedule(8, half=True) == (5, 1.0)
    assert climb_schedule(8, half=False) == (8, 1.0)
    # the 6..10 branch (the toy pipeline's T=6) and its edges
    assert [climb_schedule(t, half=True) for t in (6, 10, 11)] == [(5, 1.0), (5, 1.0), (5, 2)]


def test_scale_order_puts_the_half_scale_first():
    gen = AdvCAMSeedGenerator(TinyCAMNet())
    assert gen.scale_order() == (0.5, 1.0, 1.5, 2.0)
    assert (gen.adv_iter, gen.ad_coeff, gen.ad_stepsize, gen.score_th) == (27, 7., 0.08, 0.5)


def hand_pair():
    """feats [2 images, 2 channels, 1, 2] and W for 2 classes; values worked out below."""
    feats = torch.tensor([[[[1., 2.]], [[3., 0.]]],
                          [[[0., 4.]], [[1., 1.]]]], requires_grad=True)
    weight = torch.tensor([[1., -1.], [0.5, 0.5]]).reshape(2, 2, 1, 1)
    return feats, weight


def test_gap2d_pos_divides_the_spatial_sum_by_the_global_positive_count():
    grads = torch.tensor([[[[0., 1.]], [[0., -1.]]],
                          [[[0., 1.]], [[0., -1.]]]])
    # 2 positive entries over the pair: weights = spatial sums / 2.
    assert gap2d_pos(grads, 1).flatten().tolist() == [0.5, -0.5, 0.5, -0.5]
    # Two groups (pairs) count separately: group 2 (all ones) has 8 positive entries and
    # spatial sums of 2 -> 0.25; one global count (10) would give 0.1 and 0.2.
    grads2 = torch.cat([grads, torch.ones(2, 2, 1, 2)])
    assert gap2d_pos(grads2, 2).flatten().tolist() == [0.5, -0.5, 0.5, -0.5] + [0.25] * 4


def test_gradcam_map_is_the_cam_scaled_by_gap2d_pos():
    feats, weight = hand_pair()
    z = F.conv2d(feats, weight)
    # Class 0: Z = F0 - F1 = [-2, 2] and [-1, 3]; P0 = P1 = 1, K+ = 1 -> scale 1/2:
    # maps [0, 1] and [0, 1.5]; A = [0, 1] + flip([0, 1.5]) = [1.5, 1].
    regions = gradcam_regions(feats, z, torch.tensor([0]))
    assert regions.tolist() == [[[1.5, 1.0]]]
    # Two pairs batched, class 0 and class 1: class 1 has Z = [2, 1], [0.5, 2.5], all
    # positive, K+ = 2 -> scale 2 / (2 * 4) = 1/4: [0.5, .25] + flip([.125, .625]).
    feats2 = torch.cat([feats.detach()] * 2).requires_grad_(True)
    z2 = F.conv2d(feats2, weight)
    regions2 = gradcam_regions(feats2, z2, torch.tensor([0, 1]))
    assert regions2.tolist() == [[[1.5, 1.0]], [[1.125, 0.375]]]
    # Differentiable w.r.t. the features (the L_AD gradient flows through A^t).
    assert regions2.requires_grad


def test_objective_and_mask_recomputed_from_the_current_map():
    feats, weight = hand_pair()
    z = F.conv2d(feats, weight)
    # y = GAP(relu(Z)): class 0: 1, 1.5; class 1: 1.5, 1.5 -> y_c - sum_{k!=c} y_k = -0.5.
    regions = torch.tensor([[[1.5, 1.0]]])
    init = torch.tensor([[[1.0, 1.2]]])
    # Mask = A/max A > 0.5 = [1, 1]; L_AD = 0.5 + 0.2 -> J = -0.5 - 7 * 0.7 = -5.4.
    j = climb_objective(z, regions, init, torch.tensor([0]), ad_coeff=7., score_th=0.5)
    assert j.item() == pytest.approx(-5.4)
    # A new map [1.5, 0.6] gives a new mask [1, 0] whatever A^0 was: J = -0.5 - 7 * 0.5.
    # (A mask taken from A^0 = [1, 5] would be [0, 1] and give L_AD = 4.4 instead.)
    for init in (torch.tensor([[[1.0, 1.2]]]), torch.tensor([[[1.0, 5.0]]])):
        j = climb_objective(z, torch.tensor([[[1.5, 0.6]]]), init, torch.tensor([0]), 7., 0.5)
        assert j.item() == pytest.approx(-0.5 - 3.5)
    assert discriminative_mask(torch.tensor([[[0.2, 0.6], [1.0, 0.5]]]), 0.5).tolist() == \
        [[[0., 1.], [1., 0.]]]
    assert discriminative_mask(torch.zeros(1, 2, 2), 0.5).sum() == 0  # 0/0: no mask


def test_adv_climb_is_linf_normalised_and_clamped_to_the_current_range():
    x = torch.tensor([0., 1., 2., 3.])
    grad = torch.tensor([1., -2., 0.5, 4.])
    # x + 0.5 * grad / 4 = [0.125, 0.75, 2.0625, 3.5] -> clamp to [0, 3].
    assert adv_climb(x, grad, 0.5, 1).tolist() == [0.125, 0.75, 2.0625, 3.0]
    # Per group: group 2 has range [10, 11] and max|grad| 1.
    x2 = torch.tensor([0., 1., 2., 3., 10., 11., 10.5, 10.2])
    grad2 = torch.tensor([1., -2., 0.5, 4., -1., 1., 0.5, 0.25])
    out = adv_climb(x2, grad2, 0.5, 2)
    assert out.tolist() == pytest.approx([0.125, 0.75, 2.0625, 3.0, 10.0, 11.0, 10.75, 10.325])


# --- schedule ----------------------------------------------------------------------------

def test_iterations_per_scale_and_batching(monkeypatch):
    img = np.random.default_rng(1).integers(0, 256, (16, 20, 3), dtype=np.uint8)
    keys = [0, 2]
    steps = []
    real_climb = advcam.adv_climb
    monkeypatch.setattr(advcam, 'adv_climb',
                        lambda x, g, s, groups: steps.append(groups) or real_climb(x, g, s, groups))

    model = TinyCAMNet()
    AdvCAMSeedGenerator(model, mode='reference')(img, keys)
    sizes = [c[2:] for c in model.calls]
    # Scale 0.5 (8x10) first: 13 forwards per class, then 27 at 1.0, 1.5, 2.0; batch of 2.
    expected = [(8, 10)] * 26 + [(16, 20)] * 54 + [(24, 30)] * 54 + [(32, 40)] * 54
    assert sizes == expected and {c[0] for c in model.calls} == {2}
    assert len(steps) == 188 and set(steps) == {1}  # a step after every map, last one too

    steps.clear()
    gen = AdvCAMSeedGenerator(TinyCAMNet(), mode='optimized')
    gen(img, keys)
    calls = gen.net.calls  # the optimized mode runs the model's inference copy
    assert [c[2:] for c in calls] == expected[::2]
    assert {c[0] for c in calls} == {4}  # both classes' pairs in one batch
    assert len(steps) == 12 + 26 * 3 and set(steps) == {2}  # the unused last step skipped


# --- whole generator against the official loop ------------------------------------------

def official_advcam(model, img, label_keys, layer, scales=(1.0, 0.5, 1.5, 2.0), adv_iter=27,
                    ad_coeff=7, ad_stepsize=0.08, score_th=0.5):
    """Literal transcription of obtain_CAM_masking._work for one image (hooks, .backward)."""
    def gap2d_pos_ref(x):
        return (torch.sum(x.view(x.size(0), x.size(1), -1), -1) / (torch.sum(x > 0) + 1e-12)
                ).view(x.size(0), x.size(1), 1, 1)

    def adv_climb_ref(image, epsilon, data_grad):
        sign_data_grad = data_grad / (torch.max(torch.abs(data_grad)) + 1e-12)
        perturbed = image + epsilon * sign_data_grad
        return torch.clamp(perturbed, image.min().data.float(), image.max().data.float())

    pool = {}

    def save(module, inputs, output):
        pool['fmap'] = output
        output.register_hook(lambda g: pool.__setitem__('grad', g))

    handle = layer.register_forward_hook(save)
    size = img.shape[:2]
    imgs = [flip_pair(img, s) for s in scales]
    n_classes = len(label_keys)
    outputs_cam = []
    for size_idx in [1, 0, 2, 3]:
        orig_img = imgs[size_idx].clone()
        for c_idx, c in enumerate(label_keys):
            img_single = orig_img.clone()
            if size_idx != 1:
                total_adv_iter = adv_iter
            elif adv_iter > 10:
                total_adv_iter, mul_for_scale = adv_iter // 2, 2
            elif adv_iter < 6:
                total_adv_iter, mul_for_scale = adv_iter, 1
            else:
                total_adv_iter, mul_for_scale = 5, float(5) / 5
            for it in range(total_adv_iter):
                img_single.requires_grad = True
                outputs = model.class_maps(model.features(img_single))
                if c_idx == 0 and it == 0:
                    cam_all_classes = torch.zeros([n_classes, outputs.shape[2], outputs.shape[3]])
                logits_vec = F.relu(outputs).sum((2, 3))
                logits_vec[:, c].sum().backward(retain_graph=True)
                gcam = F.relu(torch.mul(pool['fmap'], gap2d_pos_ref(pool['grad'])).sum(1, keepdim=True))
                regions = gcam[0] + gcam[1].flip(-1)
                if it == 0:
                    init_cam = regions.detach()
                cam_all_classes[c_idx] += regions[0].data * mul_for_scale
                logit = F.relu(outputs).mean((2, 3))
                logit_loss = -2 * (logit[:, c]).sum() + torch.sum(logit)
                expanded_mask = torch.zeros(regions.shape)
                region_ = regions / regions.max()
                expanded_mask[region_ > score_th] = 1
                l_ad = torch.sum((torch.abs(regions - init_cam)) * expanded_mask)
                loss = - logit_loss - l_ad * ad_coeff
                img_single.grad.zero_()
                loss.backward()
                img_single = adv_climb_ref(img_single, ad_stepsize, img_single.grad.data).detach()
        outputs_cam.append(cam_all_classes)
    handle.remove()
    strided_cam = torch.sum(torch.stack([F.interpolate(torch.unsqueeze(o, 0), strided_size(size, 4),
                                                       mode='bilinear', align_corners=False)[0]
                                         for o in outputs_cam]), 0)
    highres_cam = [F.interpolate(torch.unsqueeze(o, 1), strided_up_size(size, 16), mode='bilinear',
                                 align_corners=False) for o in outputs_cam]
    highres_cam = torch.sum(torch.stack(highres_cam, 0), 0)[:, 0, :size[0], :size[1]]
    strided_cam /= F.adaptive_max_pool2d(strided_cam, (1, 1)) + 1e-5
    highres_cam /= F.adaptive_max_pool2d(highres_cam, (1, 1)) + 1e-5
    return strided_cam, highres_cam


@pytest.fixture(scope='module')
def tiny_classifier():
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS

    import wsss_plugins  # noqa: F401
    init_default_scope('mmseg')
    torch.manual_seed(0)
    return MODELS.build(dict(
        type='CAMClassifier', num_classes=4,
        backbone=dict(type='ResNet', depth=18, base_channels=8, stem_channels=8,
                      strides=(1, 2, 2, 1), out_indices=(3, ), norm_eval=True))).eval()


@pytest.mark.parametrize('adv_iter', [12, 5])
def test_generator_matches_the_official_loop(tiny_classifier, adv_iter):
    img = np.random.default_rng(2).integers(0, 256, (37, 45, 3), dtype=np.uint8)
    keys = [1, 3]
    ref_cam, ref_high = official_advcam(tiny_classifier, img, keys, tiny_classifier.backbone.layer4,
                                        adv_iter=adv_iter)
    for mode in ('reference', 'optimized'):
        seed = AdvCAMSeedGenerator(tiny_classifier, adv_iter=adv_iter, mode=mode)(img, keys)
        assert seed['keys'].tolist() == keys
        assert seed['cam'].shape == (2, 10, 12) and seed['high_res'].shape == (2, 37, 45)
        assert torch.allclose(seed['cam'], ref_cam, atol=1e-5), mode
        assert torch.allclose(seed['high_res'], ref_high, atol=1e-5), mode
    # The climb changes the map: AdvCAM differs from the plain CAM of the same model.
    from wsss_plugins.seeds.cam import CAMSeedGenerator
    cam = CAMSeedGenerator(tiny_classifier)(img, keys)
    assert (cam['high_res'] - ref_high).abs().max() > 1e-3
