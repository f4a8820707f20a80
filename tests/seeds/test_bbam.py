"""BBAM (wsss_plugins/seeds/bbam.py): the loss terms and selection rules on hand-computed
cases, the loop on a detector stand-in with a known dependence on the masked image, and the
MMDetection adapter against MMDetection's own test pipeline."""
import math

import numpy as np
import pytest
import torch

from wsss_plugins.seeds.bbam import (BBAM, bbam_loss, initial_mask, jitter_proposals,
                                     mask_stride, select_positives, truncated_iou, tv_norm)


def test_tv_norm_counts_each_diagonal_twice():
    mask = torch.tensor([[0., 1.], [1., 1.]])
    # vertical |0-1|^3 = 1, horizontal 1, main diagonal |0-1|^3 = 1 twice, anti-diagonal 0
    assert tv_norm(mask, 3) == 4
    assert tv_norm(torch.tensor([[0., 0.5]]), 3) == pytest.approx(0.125)
    assert tv_norm(torch.tensor([[0.5, 0.], [0., 0.]]), 2) == pytest.approx(
        0.25 + 0.25 + 2 * 0.25)


def test_loss_on_a_hand_made_mask_and_detector_outputs():
    mask = torch.tensor([[0., 1.], [1., 1.]])
    loss = bbam_loss(mask, deltas=torch.ones(1, 4), probs=torch.tensor([0.5]),
                     target_deltas=torch.zeros(1, 4), target_probs=torch.tensor([0.8]),
                     l1_weight=0.007, tv_weight=1e-4)
    # ½·mean|0 − 1| + ½·|0.8 − 0.5| = 0.65; + 0.007·Σm (3) + 1e-4·TV (4)
    assert loss.item() == pytest.approx(0.65 + 0.021 + 0.0004)
    # two proposals: the keep term is their mean
    loss2 = bbam_loss(mask, torch.stack([torch.ones(4), torch.zeros(4)]), torch.tensor([0.5, .8]),
                      torch.zeros(2, 4), torch.tensor([0.8, 0.8]), 0.0, 0.0)
    assert loss2.item() == pytest.approx(0.65 / 2)


def test_truncated_iou_as_the_reference():
    box = torch.tensor([0., 0., 10., 10.])
    assert truncated_iou(torch.tensor([[5.9, 0., 15.7, 10.]]), box).item() == pytest.approx(1 / 3)
    assert truncated_iou(torch.tensor([[20., 20., 30., 30.]]), box).item() == 0


def test_positives_follow_the_threshold_cascade_in_proposal_order():
    box, label = torch.tensor([0., 0., 100., 100.]), 2
    # decoded (0, 0, 100, x2): IoU = x2 / 100
    x2 = torch.tensor([95.] * 50 + [87.] * 60 + [82.] * 200)
    order = torch.randperm(len(x2), generator=torch.Generator().manual_seed(0))
    x2 = x2[order]
    decoded = torch.stack([torch.zeros_like(x2), torch.zeros_like(x2), torch.full_like(x2, 100),
                           x2], 1)
    scores = torch.zeros(len(x2), 4)
    scores[:, label] = 1
    scores[::7, 3] = 2  # every 7th proposal predicts the background (last column)
    agrees = torch.arange(len(x2)) % 7 != 0
    picked = select_positives(scores, decoded, box, label)
    # 0.9: 50 × 6/7 < 100; 0.85: ~94 < 100 → 0.8: all candidates > 100 → the first 100
    expected = torch.nonzero(agrees & (x2 > 80)).flatten()[:100]
    assert torch.equal(picked, expected)
    many = torch.full_like(x2, 95.)
    decoded[:, 3] = many
    assert torch.equal(select_positives(scores, decoded, box, label),
                       torch.nonzero(agrees).flatten()[:100])  # stops at 0.9
    few = select_positives(scores[:10], decoded[:10], box, label)
    assert len(few) == int(agrees[:10].sum())  # at 0.8 whatever was found
    assert len(select_positives(scores, decoded, box, label=1)) == 0


def test_mask_stride_and_initialisation():
    assert mask_stride(torch.tensor([0., 0., 200., 100.]), (100, 200)) == 64
    assert mask_stride(torch.tensor([0., 0., 20., 10.]), (100, 200)) == pytest.approx(20.8)
    mask = initial_mask(torch.tensor([[20., 0., 60., 40.], [150., 60., 199., 99.]]), 20,
                        (100, 200))
    expected = torch.zeros(5, 10)
    expected[0:2, 1:3] = 1
    expected[3:4, 7:9] = 1  # (150/20, 60/20, 199/20, 99/20) truncated = (7, 3, 9, 4)
    assert torch.equal(mask, expected)


def test_jittered_proposals_stay_in_range_and_in_the_image():
    box = torch.tensor([10., 20., 110., 70.])
    props = jitter_proposals(box, (80, 120), 2000, generator=torch.Generator().manual_seed(0))
    dx = (props - box)[:, [0, 2]] / 100
    dy = (props - box)[:, [1, 3]] / 50
    assert props[:, 2].max() <= 120 and props[:, 3].max() <= 80 and props[:, :2].min() >= 0
    inside = (props[:, 2] < 120) & (props[:, 0] > 0)
    assert dx[inside].abs().max() <= 0.3 + 1e-6 and dy[:, 0].abs().max() <= 0.3 + 1e-6
    assert dx[inside].abs().max() > 0.29  # the whole ±0.3 range is drawn


class EvidenceDetector:
    """A detector stand-in: class c's score of a RoI is 10 × the mean of channel 0 of the
    (normalised, masked) input inside the RoI, the background's is 1; deltas are 0 and
    decoding returns the proposal. Masking channel 0 away lowers π_c: the loss keeps the
    mask where channel 0 is high and lets the L1 term remove it elsewhere."""
    num_classes = 2

    def __init__(self, image):
        self.image = image

    def prepare(self, img, boxes):
        return dict(inputs=self.image, img_shape=tuple(self.image.shape[-2:]),
                    boxes=torch.as_tensor(boxes, dtype=torch.float32), scale=(1.0, 1.0))

    def box_outputs(self, inputs, proposals):
        scores = []
        for b, rois in enumerate(proposals):
            for x1, y1, x2, y2 in rois.trunc().long().tolist():
                evidence = inputs[b, 0, y1:max(y2, y1 + 1), x1:max(x2, x1 + 1)].mean()
                scores.append(torch.stack([10 * evidence, -10 * evidence, torch.ones(())]))
        scores = torch.stack(scores)
        return scores, torch.zeros(len(scores), 4 * self.num_classes)

    def decode(self, proposals, deltas):
        return proposals


@pytest.fixture(scope='module')
def evidence_image():
    img = torch.full((1, 3, 256, 384), 0.0)
    img[0, 0, 64:192, 64:160] = 1.0  # the object's evidence, inside the first box
    img[0, 0, 32:224, 224:352] = 0.5  # a second object
    return img


def test_bbam_keeps_the_evidence_and_drops_the_rest(evidence_image):
    boxes = torch.tensor([[32., 32., 192., 224.]])
    bbam = BBAM(EvidenceDetector(evidence_image), num_proposals=50, iterations=60,
                l1_weight=0.01, tv_weight=0.0)
    out = bbam(None, boxes, [0])
    mask, stride = out['masks'][0], out['strides'][0]
    assert stride == pytest.approx(16 + 48 * math.sqrt(160 * 192 / (256 * 384)))
    assert mask.shape == (int(256 / stride), int(384 / stride)) and out['num_positives'][0] > 0
    assert mask.min() >= 0 and mask.max() <= 1
    evidence = torch.nn.functional.interpolate(evidence_image[:, :1], size=mask.shape,
                                               mode='area')[0, 0].numpy()
    assert mask[evidence > 0.5].mean() > mask[evidence < 0.1].mean() + 0.3


def test_boxes_optimised_together_equal_one_at_a_time(evidence_image):
    boxes = torch.tensor([[32., 32., 192., 224.], [200., 16., 368., 240.]])
    kwargs = dict(num_proposals=40, iterations=15, l1_weight=0.01, tv_weight=1e-3)
    together = BBAM(EvidenceDetector(evidence_image), **kwargs)(None, boxes, [0, 0])
    alone = BBAM(EvidenceDetector(evidence_image), batch_size=1, **kwargs)(None, boxes, [0, 0])
    assert together['num_positives'] == alone['num_positives']
    for a, b in zip(together['masks'], alone['masks']):
        np.testing.assert_allclose(a, b, atol=1e-6)


def test_no_positive_gives_an_all_zero_mask(evidence_image):
    out = BBAM(EvidenceDetector(evidence_image), num_proposals=20, iterations=5)(
        None, torch.tensor([[32., 32., 192., 224.]]), [1])  # class 1 never wins
    assert out['num_positives'] == [0] and not out['masks'][0].any()


@pytest.fixture(scope='module')
def tiny_faster_rcnn():
    """MMDetection's Faster R-CNN FPN base with a random ResNet-18 and 4 classes."""
    import os.path as osp

    import mmdet
    from mmengine.config import Config
    base = osp.join(osp.dirname(mmdet.__file__), '.mim', 'configs', '_base_', 'models',
                    'faster-rcnn_r50_fpn.py')
    cfg = Config.fromfile(base)
    cfg.model.backbone.update(depth=18, init_cfg=None)
    cfg.model.neck.in_channels = [64, 128, 256, 512]
    cfg.model.roi_head.bbox_head.num_classes = 4
    torch.manual_seed(0)
    from wsss_plugins.models.detection import MMDetTwoStageAdapter
    return MMDetTwoStageAdapter.from_config(cfg).model


def test_mmdet_adapter_preprocesses_as_the_mmdet_test_pipeline(tiny_faster_rcnn, tmp_path):
    from mmcv.transforms import Compose
    from mmengine.dataset import pseudo_collate
    from PIL import Image

    from wsss_plugins.models.detection import MMDetTwoStageAdapter
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (96, 128, 3), dtype=np.uint8)
    Image.fromarray(img).save(tmp_path / 'img.png')
    adapter = MMDetTwoStageAdapter(tiny_faster_rcnn, test_scale=(400, 200))
    prep = adapter.prepare(img, [[8, 8, 64, 48]])
    pipeline = Compose([dict(type='LoadImageFromFile'),
                        dict(type='Resize', scale=(400, 200), keep_ratio=True),
                        dict(type='PackDetInputs')])
    data = tiny_faster_rcnn.data_preprocessor(
        pseudo_collate([pipeline(dict(img_path=str(tmp_path / 'img.png'), img_id=0))]), False)
    assert torch.equal(prep['inputs'], data['inputs'])
    assert prep['img_shape'] == data['data_samples'][0].img_shape == (200, 267)
    assert torch.allclose(prep['boxes'], torch.tensor([[8., 8., 64., 48.]]) * torch.tensor(
        [267 / 128, 200 / 96] * 2))
    # the box head's outputs for fixed proposals carry gradients back to the image
    x = prep['inputs'].clone().requires_grad_(True)
    cls_score, bbox_pred = adapter.box_outputs(x, [prep['boxes']])
    assert cls_score.shape == (1, 5) and bbox_pred.shape == (1, 16)
    cls_score[0, 0].backward()
    assert x.grad.abs().sum() > 0
    assert all(p.grad is None for p in tiny_faster_rcnn.parameters())


def test_bbam_runs_on_an_mmdet_detector(tiny_faster_rcnn):
    """On a random detector: the label is what it predicts for the box, every proposal with
    that argmax counts (τ = −1): the masks move from their initialisation within [0, 1]."""
    from wsss_plugins.models.detection import MMDetTwoStageAdapter
    rng = np.random.default_rng(1)
    img = rng.integers(0, 256, (96, 128, 3), dtype=np.uint8)
    adapter = MMDetTwoStageAdapter(tiny_faster_rcnn, test_scale=(256, 192))
    prep = adapter.prepare(img, [[8, 8, 100, 80]])
    with torch.no_grad():
        label = int(adapter.box_outputs(prep['inputs'], [prep['boxes']])[0][0, :4].argmax())
    bbam = BBAM(adapter, num_proposals=30, thresholds=(-1.0, ), iterations=0)
    init = bbam(img, [[8, 8, 100, 80]], [label])
    bbam.iterations = 3
    out = bbam(img, [[8, 8, 100, 80]], [label])
    assert out['num_positives'][0] > 0
    assert out['masks'][0].shape == init['masks'][0].shape and init['masks'][0].max() == 1
    assert 0 <= out['masks'][0].min() and out['masks'][0].max() <= 1
    assert not np.array_equal(out['masks'][0], init['masks'][0])


def test_presets_give_the_loss_weights_unless_set():
    from wsss_plugins.seeds.bbam import BBAM
    assert (BBAM(None).l1_weight, BBAM(None).tv_weight) == (0.007, 1e-4)
    demo = BBAM(None, preset='detection_demo')
    assert (demo.l1_weight, demo.tv_weight) == (0.07, 1e-3)
    assert BBAM(None, preset='detection_demo', l1_weight=0.5).l1_weight == 0.5
    with pytest.raises(KeyError, match='presets are training_images, detection_demo'):
        BBAM(None, preset='demo')


def test_an_image_without_boxes_gives_no_maps(evidence_image):
    out = BBAM(EvidenceDetector(evidence_image))(None, np.zeros((0, 4), np.float32), [])
    assert out['masks'] == [] and out['num_positives'] == [] and out['img_shape'] == (256, 384)
