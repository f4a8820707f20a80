"""BBAM's Detectron2 adapter against Detectron2's own inference path: for fixed proposals its
box-head outputs equal what ``box_predictor`` returns inside ``GeneralizedRCNN.inference`` on
the same image (DefaultPredictor's resize and normalisation), and its decoding equals
``predict_boxes``; the boxes are resized as Detectron2's transform resizes them."""
import os.path as osp

import numpy as np
import pytest
import torch

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOY_YAML = osp.join(REPO_ROOT, 'configs', 'detectron2', 'faster_rcnn_R_18_FPN_toy.yaml')


@pytest.fixture(scope='module')
def adapter():
    from wsss_plugins.models.detection import Detectron2RCNNAdapter, build_d2_model
    from wsss_plugins.utils.d2_config import load_d2_config
    torch.manual_seed(0)
    cfg = load_d2_config(TOY_YAML, num_classes=4)
    return Detectron2RCNNAdapter(build_d2_model(cfg), (cfg.INPUT.MAX_SIZE_TEST,
                                                       cfg.INPUT.MIN_SIZE_TEST))


def test_box_outputs_for_fixed_proposals_equal_detectron2s_box_predictor(adapter):
    from detectron2.data import transforms as T
    from detectron2.structures import Boxes, Instances
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (100, 150, 3), dtype=np.uint8)  # RGB, resized to 128 x 192
    boxes = np.array([[10., 20., 60., 80.], [70., 5., 140., 95.]], np.float32)
    prep = adapter.prepare(img, boxes)
    assert prep['img_shape'] == (128, 192) and prep['inputs'].shape[-2:] == (128, 192)
    tfm = T.ResizeShortestEdge(128, 200).get_transform(img[..., ::-1])
    assert torch.allclose(prep['boxes'], torch.as_tensor(tfm.apply_box(boxes)).float())
    proposals = prep['boxes'].repeat(3, 1) + torch.tensor([0., 3., -2., 5.]).repeat(6, 1) * \
        torch.arange(6.)[:, None]
    scores, deltas = adapter.box_outputs(prep['inputs'], [proposals])
    assert scores.shape == (6, 5) and deltas.shape == (6, 16)  # background last, 4 x 4 deltas

    model, captured = adapter.model, {}
    hook = model.roi_heads.box_predictor.register_forward_hook(
        lambda module, inputs, output: captured.update(output=output))
    generator, model.proposal_generator = model.proposal_generator, None
    try:
        image = torch.as_tensor(tfm.apply_image(img[..., ::-1]).transpose(2, 0, 1).astype(
            np.float32))
        with torch.no_grad():
            model.inference([dict(image=image, height=100, width=150,
                                  proposals=Instances((128, 192),
                                                      proposal_boxes=Boxes(proposals)))],
                            do_postprocess=False)
    finally:
        model.proposal_generator = generator
        hook.remove()
    d2_scores, d2_deltas = captured['output']
    assert torch.allclose(scores, d2_scores, atol=1e-5)
    assert torch.allclose(deltas, d2_deltas, atol=1e-5)
    per_class = model.roi_heads.box_predictor.predict_boxes(
        (d2_scores, d2_deltas), [Instances((128, 192), proposal_boxes=Boxes(proposals))])[0]
    for c in range(4):
        assert torch.allclose(adapter.decode(proposals, deltas[:, 4 * c:4 * c + 4]),
                              per_class[:, 4 * c:4 * c + 4], atol=1e-4)


def test_masked_inputs_keep_padding_at_the_mean_colour(adapter):
    """Padding and masked-out pixels are both 0 after normalisation (BBAM's masked input is
    ``x_norm * up(m)``): an image of the mean colour normalises to zeros."""
    mean_bgr = np.array(adapter.model.pixel_mean.flatten().tolist())
    img = np.broadcast_to(mean_bgr[::-1].round().astype(np.uint8), (90, 130, 3)).copy()
    prep = adapter.prepare(img, np.zeros((0, 4), np.float32))
    assert prep['inputs'].abs().max() < 0.05


def test_model_zoo_pkl_loads_strictly(tmp_path):
    """A Detectron2 model-zoo ``.pkl`` (numpy arrays) loads through Detectron2's loader; one
    that lacks a tensor of the model is an error naming it (a checkpoint of another model)."""
    import pickle

    from wsss_plugins.models.detection import build_d2_model
    from wsss_plugins.utils.checkpoint import CheckpointMismatch
    from wsss_plugins.utils.d2_config import load_d2_config
    cfg = load_d2_config(TOY_YAML, num_classes=4)
    torch.manual_seed(1)
    source = build_d2_model(cfg)
    weights = {k: v.numpy() for k, v in source.state_dict().items()}
    good, bad = tmp_path / 'zoo.pkl', tmp_path / 'other.pkl'
    good.write_bytes(pickle.dumps(dict(model=weights, __author__='test')))
    torch.manual_seed(2)
    loaded = build_d2_model(cfg, str(good))
    name = 'roi_heads.box_predictor.cls_score.weight'
    assert torch.equal(loaded.state_dict()[name], source.state_dict()[name])
    bad.write_bytes(pickle.dumps(dict(model={k: v for k, v in weights.items() if k != name},
                                      __author__='test')))
    with pytest.raises(CheckpointMismatch, match='missing: roi_heads.box_predictor.cls_score'):
        build_d2_model(cfg, str(bad))
