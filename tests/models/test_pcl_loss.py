"""PCLLoss (AMN's label-smoothed, bg/fg-balanced CE) against hand-computed values."""
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from wsss_plugins.models.losses.pcl_loss import PCLLoss, smoothed_targets
from wsss_plugins.utils.image import resize_labels_nearest

LN2 = math.log(2)


def test_smoothed_targets_voc_values():
    # methods.md 4.2: 1 - 0.4 = 0.6 on the label, 0.4 / 20 = 0.02 on each of the other 20.
    labels = torch.tensor([[[3, 255]]])
    q = smoothed_targets(labels, 21, 0.4)
    assert q.shape == (1, 21, 1, 2)
    assert q[0, 3, 0, 0].item() == pytest.approx(0.6)
    assert q[0, 0, 0, 0].item() == pytest.approx(0.02)
    assert q[0, :, 0, 0].sum().item() == pytest.approx(1.0)
    assert q[0, 0, 0, 1].item() == pytest.approx(0.6)  # 255 -> class 0 (masked later)


def test_hand_computed_example():
    # Every pixel has softmax p = (1/4, 1/2, 1/4) over 3 classes; eps = 0.4 gives targets
    # 0.6 / 0.2 / 0.2. Per-pixel loss: label 1 -> 0.6 ln2 + 0.4 * 2 ln2 = 1.4 ln2;
    # label 0 or 2 -> 0.6 * 2 ln2 + 0.2 ln2 + 0.2 * 2 ln2 = 1.8 ln2.
    logits = torch.tensor([0., LN2, 0.]).reshape(1, 3, 1, 1).repeat(1, 1, 2, 3)
    labels = torch.tensor([[[0, 0, 1], [255, 2, 1]]])
    # bg mean 1.8 ln2; fg mean (1.4 + 1.4 + 1.8) / 3 ln2; loss = their average.
    expected = 0.5 * (1.8 + 4.6 / 3) * LN2
    loss = PCLLoss(eps=0.4)(logits, labels)
    assert loss.item() == pytest.approx(expected, rel=1e-6)
    # Not the plain mean over the 5 labelled pixels (8.2 / 5 ln2).
    assert abs(loss.item() - 8.2 / 5 * LN2) > 0.015
    # The ignored pixel does not count, whatever its logits.
    logits[0, :, 1, 0] = torch.tensor([50., -20., 3.])
    assert PCLLoss(eps=0.4)(logits, labels).item() == pytest.approx(expected, rel=1e-6)
    assert PCLLoss(eps=0.4, loss_weight=2.)(logits, labels).item() == pytest.approx(
        2 * expected, rel=1e-6)


def test_matches_torch_label_smoothing_per_set():
    # AMN's smoothing eps / (C-1) off-target equals torch's label_smoothing = eps * C / (C-1).
    torch.manual_seed(0)
    c, eps = 21, 0.4
    logits = torch.randn(2, c, 5, 6)
    labels = torch.randint(0, c, (2, 5, 6))
    labels[0, 0, :3] = 255
    labels[1, 2] = 0
    ce = F.cross_entropy(logits, labels, reduction='none', ignore_index=255,
                         label_smoothing=eps * c / (c - 1))
    bg, fg = labels == 0, (labels != 0) & (labels != 255)
    expected = 0.5 * (ce[bg].mean() + ce[fg].mean())
    assert PCLLoss(eps=eps)(logits, labels).item() == pytest.approx(expected.item(), rel=1e-5)


@pytest.mark.parametrize('src,dst', [((512, 512), (32, 32)), ((37, 53), (5, 7)),
                                     ((10, 12), (20, 18))])
def test_label_resize_is_pil_nearest(src, dst):
    rng = np.random.default_rng(0)
    label = rng.integers(0, 21, src).astype(np.uint8)
    label[rng.random(src) < 0.2] = 255
    ours = resize_labels_nearest(torch.from_numpy(label).long()[None], dst)[0].numpy()
    pil = np.asarray(Image.fromarray(label).resize(dst[::-1], Image.NEAREST))
    np.testing.assert_array_equal(ours, pil)


def test_labels_resized_to_logit_size_and_empty_sets():
    logits = torch.zeros(1, 3, 2, 2)
    labels = torch.tensor([[0, 0, 1, 1]] * 2 + [[255, 255, 2, 2]] * 2)[None]  # 4x4
    # Nearest to 2x2: [[0, 1], [255, 2]]; uniform softmax: every pixel loses ln 3.
    assert PCLLoss()(logits, labels).item() == pytest.approx(math.log(3), rel=1e-6)
    only_bg = torch.zeros(1, 2, 2, dtype=torch.long)
    assert PCLLoss()(logits, only_bg).item() == pytest.approx(0.5 * math.log(3), rel=1e-6)
    with pytest.raises(ValueError, match='eps'):
        PCLLoss(eps=1.0)
