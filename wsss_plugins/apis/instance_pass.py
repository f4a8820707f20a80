"""IRN's instance pass over a split (``tools/make_instance_labels.py``), through the one
per-image runner (sharded over torchrun ranks, atomic, resumable, failures named).

Per image ``<out>/<name>.npy``: IRN's format, ``np.save`` of ``dict(score [N], mask bool
[N, H, W], class [N] (0-based))`` (``np.load(..., allow_pickle=True).item()``), plus the
``settings`` it was made with (a resumed pass refuses files of other settings: seeds,
parameters, checkpoint, displacement mean). With
``baseline`` the same pass without the displacement field (each connected component of the
semantic pseudo mask one instance, scored by the same rule) is written beside it,
``<out>/components/<name>.npy``. After every rank is done,
rank 0 writes ``<out>/instances.json`` (and ``components.json``): COCO format, RLE masks,
the detections of score > 0 (IRN scores fragments under 1% of the image 0: not training
targets), for MMDetection / Detectron2.
"""
import os
import os.path as osp
import numpy as np
from mmengine.dist import barrier, get_dist_info

from ..refine.instances import instance_detections
from ..utils.coco import mask_rle, write_instances_json
from ..utils.image import normalize, read_rgb
from ..utils.io import atomic_write
from ..utils.seed_io import check_seed_dir
from .label_passes import load_checked_seed, split_items
from .per_image import raise_on_failures, run_per_image

DETECTION_KEYS = ('score', 'mask', 'class')


def detection_path(out_dir, name):
    return osp.join(out_dir, f'{name}.npy')


def save_detections(path, detections, settings=None):
    with atomic_write(path) as f:
        np.save(f, dict({k: detections[k] for k in DETECTION_KEYS}, settings=settings),
                allow_pickle=True)


def load_detections(path, img_size=None):
    """One ``<name>.npy`` of an instance pass (IRN format). Checks keys, lengths and size."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'instance file not found: {path}')
    try:
        data = np.load(path, allow_pickle=True).item()
        out = dict(score=np.asarray(data['score'], np.float32),
                   mask=np.asarray(data['mask'], bool), settings=data.get('settings'),
                   **{'class': np.asarray(data['class'], np.int64)})
    except Exception as e:  # noqa: BLE001 - corrupt or foreign file
        raise ValueError(f'{path}: not an instance file (dict score/mask/class): {e}') from e
    n = len(out['score'])
    if out['mask'].ndim != 3 or len(out['mask']) != n or len(out['class']) != n:
        raise ValueError(f'{path}: {n} scores but masks {out["mask"].shape} and '
                         f'{len(out["class"])} classes')
    if img_size is not None and n and out['mask'].shape[1:] != tuple(img_size):
        raise ValueError(f'{path}: masks are {out["mask"].shape[1:]} but the image is '
                         f'{tuple(img_size)} (instances of another dataset?)')
    return out


def check_displacement_mean(model):
    """The instance pass needs IRN's displacement mean (a checkpoint trained with
    ``DisplacementMeanHook``, or a converted ``res50_irn.pth``)."""
    if not model.displacement_mean.abs().sum() > 0:
        raise ValueError(
            'the IRN checkpoint has no displacement mean (trained before DisplacementMeanHook '
            'or converted without it): retrain, or pass --measure-displacement-mean to '
            'measure it over the training split first')


def generate_instance_labels(model, cfg, split, seed_dir, out_dir, baseline=False,
                             checkpoint=None, **params):
    """Instances of a split from seeds and a trained IRN (``refine.instances``). Returns the
    number of json instances (rank 0) or None.

    The files record their settings: the seeds, the parameters, the checkpoint and its
    displacement mean (a retrained IRN at the same path has another mean); a resumed pass over
    files of other settings stops before any image is processed."""
    import torch

    dataset, items = split_items(cfg, split)
    check_seed_dir(seed_dir, [it['name'] for it in items])
    check_displacement_mean(model)
    dirs = [out_dir] + ([osp.join(out_dir, 'components')] if baseline else [])
    for d in dirs:
        os.makedirs(d, exist_ok=True)
    device = next(model.parameters()).device
    settings = dict(seed_dir=osp.abspath(seed_dir), checkpoint=checkpoint and osp.abspath(
        checkpoint), displacement_mean=[round(float(v), 6) for v in model.displacement_mean],
        **params)
    for d in dirs:  # resuming over another run's files: stop now, not after the pass
        done = next((detection_path(d, it['name']) for it in items
                     if osp.isfile(detection_path(d, it['name']))), None)
        if done is not None:
            check_settings(done, load_detections(done)['settings'], settings)

    def work(item):  # the baseline last: its file (or the instance file) marks the image done
        img = read_rgb(item['img_path'])
        seed = load_checked_seed(seed_dir, item, img.shape[:2])
        edge, disp = model.predict_edge(torch.from_numpy(normalize(img))[None].to(device))
        save_detections(detection_path(out_dir, item['name']), instance_detections(
            seed, edge.cpu(), disp.cpu().numpy(), img.shape[:2], **params), settings)
        if baseline:
            save_detections(detection_path(dirs[1], item['name']), instance_detections(
                seed, edge.cpu(), None, img.shape[:2], **params), settings)

    result = run_per_image(items, lambda it: detection_path(dirs[-1], it['name']), work,
                           *get_dist_info(), desc='instances')
    raise_on_failures(result, f'instances in {out_dir}')
    barrier()
    if get_dist_info()[0] != 0:
        return None
    classes = dataset.metainfo['classes']
    count = write_detections_json(osp.join(out_dir, 'instances.json'), out_dir, items, classes,
                                  settings)
    if baseline:
        write_detections_json(osp.join(out_dir, 'components.json'), dirs[1], items, classes,
                              settings)
    return count


def check_settings(path, found, settings):
    if found != settings:
        raise ValueError(f'{path} was made with other settings ({found}) than this run '
                         f'({settings}); use a new --out or delete that directory')


def write_detections_json(path, det_dir, items, class_names, settings=None):
    """The COCO json of a directory of instance files (detections of score > 0)."""
    images = []
    for item in items:
        det = load_detections(detection_path(det_dir, item['name']))
        if settings is not None:
            check_settings(detection_path(det_dir, item['name']), det['settings'], settings)
        height, width = det['mask'].shape[1:]
        images.append(dict(
            file_name=osp.basename(item['img_path']), height=height, width=width,
            instances=[dict(category_id=int(c) + 1, segmentation=mask_rle(m), score=float(s))
                       for s, m, c in zip(det['score'], det['mask'], det['class']) if s > 0]))
    return write_instances_json(path, images, class_names)


def instance_panel(img, detections):
    """``img`` with each detection of score > 0 in its own colour (tab10, the highest score
    drawn last): the report's instance overlay."""
    import matplotlib
    colours = np.asarray(matplotlib.colormaps['tab10'].colors) * 255
    panel = img.astype(np.float32).copy()
    order = np.argsort(detections['score'], kind='stable')
    for rank, k in enumerate(o for o in order if detections['score'][o] > 0):
        mask = detections['mask'][k]
        panel[mask] = 0.4 * panel[mask] + 0.6 * colours[rank % len(colours)]
    return panel.astype(np.uint8)
