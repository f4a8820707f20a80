"""Generated from the registries (timm-style): every model component wsss_plugins registers
is built by a toy config, trains one step (finite loss, a gradient on every trainable
parameter, frozen ones none), every seed generator turns a random-init model and an image
into a valid seed and every box attributor a random-init detector and boxes into valid
maps. Registering a component without a toy config fails here. Detection toy configs
(``default_scope='mmdet'``) train on random boxes."""
import glob
import os.path as osp

import numpy as np
import pytest
import torch
from wsss_plugins.datasets import load_config
from mmengine.registry import init_default_scope
from mmengine.structures import PixelData

import wsss_plugins  # noqa: F401
from wsss_plugins.datasets.config import dataset_classes
from wsss_plugins.registry import BOX_ATTRIBUTORS, SEED_GENERATORS

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
# (bbam_d2_*: BBAM over a Detectron2 yaml, no MMEngine model; Detectron2's registries below)
TOY_CONFIGS = sorted(p for p in glob.glob(osp.join(REPO_ROOT, 'configs', '*', '*_toy*.py'))
                     if '/pipelines/' not in p and 'bbam_d2_' not in p)
D2_TOY_CONFIGS = sorted(glob.glob(osp.join(REPO_ROOT, 'configs', 'detectron2', '*_toy.yaml')))


def ours(registry):
    return {name for name, cls in registry.module_dict.items()
            if cls.__module__.startswith('wsss_plugins')}


def build(config):
    from mmengine.registry import MODELS
    cfg = load_config(config)
    init_default_scope(cfg.default_scope)
    backbone_init = cfg.model.get('backbone', {}).get('init_cfg', None) or {}
    if backbone_init.get('type') == 'Pretrained' and not osp.isfile(backbone_init.checkpoint):
        cfg.model.backbone.init_cfg = None  # starts from another toy stage (ACR: the CAM)
    torch.manual_seed(0)
    model = MODELS.build(cfg.model)
    model.init_weights()
    return cfg, model


def toy_batch(num_fg, size=(64, 64), batch=2):
    """Random images, label maps (0..num_fg and 255) and image labels that agree."""
    from mmseg.structures import SegDataSample
    rng = np.random.default_rng(0)
    inputs, samples = [], []
    for _ in range(batch):
        label = rng.integers(0, num_fg + 1, size)
        label[:4] = 255
        img_labels = np.zeros(num_fg, np.float32)
        img_labels[np.unique(label[(label > 0) & (label < 255)]) - 1] = 1
        sample = SegDataSample(metainfo=dict(img_labels=img_labels, img_shape=size,
                                             ori_shape=size, pad_shape=size))
        sample.gt_sem_seg = PixelData(data=torch.from_numpy(label)[None].long())
        samples.append(sample)
        inputs.append(torch.from_numpy(rng.integers(0, 256, (3, *size), dtype=np.uint8)))
    return dict(inputs=inputs, data_samples=samples)


def det_batch(num_fg, size=(96, 128), batch=2, masks=False):
    """Random images with 1-3 random boxes of random classes each (with ``masks``: each box
    filled, its ignore region the box grown by 4 pixels, packed as LoadAnnotationsWithIgnore
    packs them)."""
    from mmdet.structures.mask import BitmapMasks
    from mmdet.structures import DetDataSample
    from mmengine.structures import InstanceData
    rng = np.random.default_rng(0)
    inputs, samples = [], []
    for _ in range(batch):
        n = int(rng.integers(1, 4))
        xy = rng.uniform(0, 48, (n, 2))
        boxes = np.concatenate([xy, xy + rng.uniform(24, 48, (n, 2))], 1).astype(np.float32)
        sample = DetDataSample(metainfo=dict(img_shape=size, ori_shape=size, pad_shape=size,
                                             scale_factor=(1.0, 1.0)))
        sample.gt_instances = InstanceData(bboxes=torch.from_numpy(boxes),
                                           labels=torch.from_numpy(rng.integers(0, num_fg, n)))
        if masks:
            packed = np.zeros((n, *size), np.uint8)
            for k, (x1, y1, x2, y2) in enumerate(boxes.astype(int)):
                packed[k, max(y1 - 4, 0):y2 + 4, max(x1 - 4, 0):x2 + 4] = 2
                packed[k, y1:y2, x1:x2] = 3
            sample.gt_instances.masks = BitmapMasks(packed, *size)
        samples.append(sample)
        inputs.append(torch.from_numpy(rng.integers(0, 256, (3, *size), dtype=np.uint8)))
    return dict(inputs=inputs, data_samples=samples)


def registered_types(model):
    return {type(m).__name__ for m in model.modules()}


def test_every_registered_model_component_has_a_toy_config():
    from mmdet.registry import MODELS as DET_MODELS
    from mmseg.registry import MODELS
    covered = set()
    for config in TOY_CONFIGS:
        covered |= registered_types(build(config)[1])
    assert (ours(MODELS) | ours(DET_MODELS)) - covered == set()


@pytest.mark.parametrize('config', TOY_CONFIGS, ids=osp.basename)
def test_toy_model_trains_one_step(config):
    cfg, model = build(config)
    model.train()
    num_fg = len(dataset_classes(cfg)) - 1
    if cfg.default_scope == 'mmdet':
        batch = lambda n: det_batch(n, masks='mask_head' in cfg.model.roi_head)  # noqa: E731
    else:
        batch = toy_batch
    if hasattr(model, 'prototypes'):  # W-OoD: prototypes (its hook) and an OoD batch
        model.prototypes.normal_()
        batch = lambda n: dict(toy_batch(n), ood=toy_batch(n))  # noqa: E731
    frozen = {n for n, p in model.named_parameters() if not p.requires_grad}
    if 'constructor' in cfg.optim_wrapper:  # own train_step over several optimisers (ACR)
        from mmengine.optim import build_optim_wrapper
        before = {n: p.detach().clone() for n, p in model.named_parameters()}
        wrappers = build_optim_wrapper(model, cfg.optim_wrapper)
        for _ in range(2):
            log_vars = model.train_step(batch(num_fg), wrappers)
            assert all(torch.isfinite(v) for v in log_vars.values()), log_vars
        still = [n for n, p in model.named_parameters()
                 if n not in frozen and torch.equal(before[n], p)]
        assert not still, f'not updated: {still[:5]}'
        assert all(torch.equal(before[n], p) for n, p in model.named_parameters() if n in frozen)
        return
    # Two steps: mmseg's ResNet zero-initialises the last BN of every residual branch,
    # which blocks the branch's gradients until that BN has taken one step.
    optimizer = torch.optim.SGD([p for p in model.parameters() if p.requires_grad], lr=0.1)
    for _ in range(2):
        optimizer.zero_grad()
        data = model.data_preprocessor(batch(num_fg), True)
        loss, log_vars = model.parse_losses(model(**data, mode='loss'))
        assert torch.isfinite(loss) and loss.item() > 0, log_vars
        loss.backward()
        optimizer.step()
    trainable = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    assert trainable
    no_grad = [n for n, p in trainable if p.grad is None or not p.grad.abs().sum() > 0]
    assert not no_grad, f'no gradient reaches {no_grad[:5]}'
    assert all(p.grad is None for n, p in model.named_parameters() if n in frozen)


@pytest.mark.parametrize('name', sorted(ours(SEED_GENERATORS)))
def test_every_seed_generator_writes_a_valid_seed(name, tmp_path):
    from wsss_plugins.apis.seed_pass import build_seed_generator
    config = dict(AMN='amn/amn_toy.py', ACR='acr/acr_toy.py').get(name, 'cam/cam_toy.py')
    cfg, model = build(osp.join(REPO_ROOT, 'configs', config))
    options = dict(cfg.get('seed_generators', {}).get(name.lower(), {}), type=name)
    options.update(dict(AdvCAM=dict(adv_iter=2), AMN=dict(ir_label_dir=str(tmp_path))).get(
        name, {}))
    img = np.random.default_rng(0).integers(0, 256, (37, 45, 3), dtype=np.uint8)
    keys = np.array([0, 2])
    if name == 'AMN':  # AMN conditions on the stage-1 IR label of the image
        from PIL import Image
        Image.fromarray(np.ones((37, 45), np.uint8)).save(tmp_path / 'img.png')
    seed = build_seed_generator(options, model)(img, keys, data_info=dict(
        img_path=str(tmp_path / 'img.jpg'), img_labels=np.array([1, 0, 1, 0], np.float32)))
    channels = len(keys) + (name == 'AMN')  # AMN keeps a background channel
    assert seed['keys'].tolist() == [0, 2]
    assert tuple(seed['cam'].shape) == (channels, 10, 12)  # stride 4: ceil(37/4), ceil(45/4)
    high_res = np.asarray(seed['high_res'])
    assert high_res.shape == (channels, 37, 45)
    assert high_res.min() >= 0 and high_res.max() <= 1 + 1e-6 and np.isfinite(high_res).all()


@pytest.mark.parametrize('name', sorted(ours(BOX_ATTRIBUTORS)))
def test_every_box_attributor_gives_valid_maps(name):
    """On the random-init toy detector, with every proposal of the predicted class positive
    (τ = −1): one map per box, at the mask stride of its box, within [0, 1]."""
    from wsss_plugins.models.detection import MMDetTwoStageAdapter
    cfg, _ = build(osp.join(REPO_ROOT, 'configs', 'bbam', 'faster-rcnn_r18_fpn_toy.py'))
    torch.manual_seed(0)
    adapter = MMDetTwoStageAdapter.from_config(cfg, test_scale=cfg.test_scale)
    options = {k: v for k, v in cfg.bbam.items() if k not in ('type', 'adapter')}
    options.update(iterations=2, num_proposals=30, thresholds=(-1.0, ))
    attributor = BOX_ATTRIBUTORS.get(name)(adapter, **options)
    img = np.random.default_rng(0).integers(0, 256, (96, 128, 3), dtype=np.uint8)
    boxes = np.array([[8, 8, 60, 70], [50, 20, 120, 90]], np.float32)
    prep = adapter.prepare(img, boxes)
    with torch.no_grad():
        scores = adapter.box_outputs(prep['inputs'], [prep['boxes']])[0]
    out = attributor(img, boxes, scores[:, :adapter.num_classes].argmax(1).tolist())
    h, w = out['img_shape']
    assert len(out['masks']) == 2
    for mask, stride in zip(out['masks'], out['strides']):
        assert mask.shape == (int(h / stride), int(w / stride))
        assert 0 <= mask.min() and mask.max() <= 1


def test_every_detectron2_component_trains_in_a_toy_config():
    """The parts we register in Detectron2's registries (backbone builder, mask head) are
    used by the toy yamls, and each toy model trains two steps on random boxes and masks: a
    finite loss with every term, a gradient on every parameter."""
    from detectron2.modeling import BACKBONE_REGISTRY
    from detectron2.modeling.roi_heads.mask_head import ROI_MASK_HEAD_REGISTRY
    from detectron2.structures import BitMasks, Boxes, Instances
    from detectron2.utils.events import EventStorage

    from wsss_plugins.models.detection import build_d2_model
    from wsss_plugins.utils.d2_config import load_d2_config
    used = set()
    for path in D2_TOY_CONFIGS:
        cfg = load_d2_config(path, num_classes=4)
        used |= {cfg.MODEL.BACKBONE.NAME, cfg.MODEL.ROI_MASK_HEAD.NAME if cfg.MODEL.MASK_ON
                 else None}
        torch.manual_seed(0)
        model = build_d2_model(cfg).train()
        batch = []
        for i, (h, w) in enumerate([(96, 128), (128, 96)]):
            boxes = torch.tensor([[10., 12., 60., 70.], [40., 30., 90., 88.]])
            masks = torch.zeros(2, h, w, dtype=torch.bool)
            for k, (x1, y1, x2, y2) in enumerate(boxes.int().tolist()):
                masks[k, y1:y2, x1:x2] = True
            inst = Instances((h, w), gt_boxes=Boxes(boxes), gt_classes=torch.tensor([i, 3]),
                             gt_masks=BitMasks(masks))
            batch.append(dict(image=torch.randint(0, 256, (3, h, w)).float(), instances=inst))
        optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
        with EventStorage():
            for _ in range(2):
                optimizer.zero_grad()
                losses = model(batch)
                loss = sum(losses.values())
                assert torch.isfinite(loss) and loss.item() > 0, losses
                loss.backward()
                optimizer.step()
        assert ('loss_mask' in losses) == cfg.MODEL.MASK_ON
        no_grad = [n for n, p in model.named_parameters()
                   if p.requires_grad and (p.grad is None or not p.grad.abs().sum() > 0)]
        assert not no_grad, f'{osp.basename(path)}: no gradient reaches {no_grad[:5]}'
    ours_d2 = {name for registry in (BACKBONE_REGISTRY, ROI_MASK_HEAD_REGISTRY)
               for name, obj in registry if obj.__module__.startswith('wsss_plugins')}
    assert ours_d2 and ours_d2 <= used, ours_d2 - used
