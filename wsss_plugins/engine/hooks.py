"""Training hooks of the toolbox (registered in mmengine's ``HOOKS``, found by
``custom_hooks`` in any scope)."""
import numpy as np
import torch
from mmengine.dist import all_reduce, get_dist_info
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.registry import HOOKS

from ..utils.image import normalize, read_rgb
from ..utils.io import progress


def top_left_crop(img, size):
    """IRN ``imutils.top_left_crop`` of a normalised ``[3, H, W]`` image: the image at the
    top-left of a ``size`` canvas of zeros (the mean colour), cut where it is larger."""
    canvas = np.zeros((img.shape[0], *size), img.dtype)
    h, w = min(size[0], img.shape[1]), min(size[1], img.shape[2])
    canvas[:, :h, :w] = img[:, :h, :w]
    return canvas


@HOOKS.register_module()
class DisplacementMeanHook(Hook):
    """IRN's displacement mean, measured at the end of training so that the last checkpoint
    carries it (``IRNet.displacement_mean``; the end of IRN's ``train_irn.py``).

    In eval mode, over the images of ``split`` (IRN: its inference list), each top-left
    cropped / zero-padded to ``crop_size`` (default the config's training ``crop_size``,
    IRN's ``irn_crop_size`` 512), in batches of ``batch_size`` without flip: the mean of the
    raw displacement over batch and space per channel, averaged over the batches. ``drop_last`` drops the last
    incomplete batch as IRN's loader does (kept when it is the only one). Runs before the
    checkpoint hook saves the last epoch (or iteration); under torchrun each rank measures
    ``batches[rank::world]`` and the per-batch means are summed over ranks. A failure is
    logged and leaves the mean at zero (the last checkpoint is still saved; the instance pass
    then asks for ``--measure-displacement-mean``).
    """

    priority = 'NORMAL'  # before CheckpointHook (VERY_LOW) saves the last checkpoint

    def __init__(self, split='train_split', batch_size=32, crop_size=None, drop_last=True):
        self.split = split
        self.batch_size = batch_size
        self.crop_size = crop_size
        self.drop_last = drop_last

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        # the last iteration of any loop, before the checkpoint hook's after_train_iter /
        # after_train_epoch of that iteration
        if self.is_last_train_iter(runner):
            try:
                self.measure(runner)
            except Exception as e:  # noqa: BLE001 - the last checkpoint must still be saved
                runner.logger.warning(
                    f'DisplacementMeanHook failed ({type(e).__name__}: {e}); the checkpoint '
                    'keeps a zero mean: tools/make_instance_labels.py '
                    '--measure-displacement-mean measures it later')

    def measure(self, runner):
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        mean, split, count = split_displacement_mean(
            model, runner.cfg, self.split, self.batch_size, self.crop_size, self.drop_last)
        runner.logger.info(f'displacement mean over {count} images of {split}: '
                           f'dy {mean[0]:.4f}, dx {mean[1]:.4f} (stored in the checkpoint)')


def split_displacement_mean(model, cfg, split='train_split', batch_size=32, crop_size=None,
                            drop_last=True):
    """``displacement_mean`` over a split of a loaded config (default crop: its training
    ``crop_size``), stored into ``model.displacement_mean``; sharded over torchrun ranks.
    Returns ``(mean, split name, number of images)``; the hook and
    ``tools/make_instance_labels.py --measure-displacement-mean`` call it."""
    from ..datasets import build_split_dataset
    from ..datasets.config import split_name
    split = split_name(cfg, split)
    dataset = build_split_dataset(cfg, split, seg_map_path=None, pipeline=[])
    paths = [dataset.get_data_info(i)['img_path'] for i in range(len(dataset))]
    mean = displacement_mean(model, paths, batch_size, crop_size or cfg.get('crop_size'),
                             drop_last, *get_dist_info())
    model.displacement_mean.copy_(mean.to(model.displacement_mean))
    return mean, split, len(paths)


@torch.no_grad()
def displacement_mean(model, img_paths, batch_size=32, crop_size=None, drop_last=True,
                      rank=0, world_size=1):
    """The 2-vector IRN subtracts from the displacement output (see the hook); ``crop_size``
    None: the model's inference pad."""
    crop_size = tuple(crop_size or model.test_cfg.get('pad_size', (512, 512)))
    starts = list(range(0, len(img_paths), batch_size))
    if drop_last and len(starts) > 1 and len(img_paths) % batch_size:
        starts = starts[:-1]
    device = model.displacement_mean.device
    was_training = model.training
    model.eval()
    total, count = torch.zeros(2, dtype=torch.float64, device=device), torch.zeros(
        1, dtype=torch.float64, device=device)
    try:
        for start in progress(starts[rank::world_size], desc='displacement mean',
                              disable=rank != 0):
            batch = np.stack([top_left_crop(normalize(read_rgb(p)), crop_size)
                              for p in img_paths[start:start + batch_size]])
            disp = model.raw_displacement(torch.from_numpy(batch).float().to(device))
            total += disp.double().mean(dim=(0, 2, 3))
            count += 1
    finally:
        model.train(was_training)
    if world_size > 1:
        all_reduce(total, op='sum')
        all_reduce(count, op='sum')
    return (total / count.clamp(min=1)).float()


@HOOKS.register_module()
class WOoDPrototypeHook(Hook):
    """W-OoD's prototypes, computed once before training (the reference's
    ``get_sample_estimator``) into ``WOoDClassifier.prototypes`` and cached in the work dir
    (``wood_prototypes.pth``, with a key of the weights, image lists and settings they come
    from: a cache of another run is recomputed; a resumed run loads them from its
    checkpoint). Rank 0 computes them and broadcasts them to the other ranks.

    In eval mode, the GAP'd last-stage feature of every image: the in-distribution images of
    the training dataset at their size (batch 1, no augmentation), class prototype k = the
    mean over the images whose labels contain k; the OoD images with the long side resized to
    ``ood_long_side`` (500) → K-means (K = the model's ``num_ood_prototypes``, the first K
    points as the initial centres, ``iterations`` = 10 Lloyd steps).
    """

    priority = 'NORMAL'

    def __init__(self, ood_long_side=500, iterations=10, cache='wood_prototypes.pth'):
        self.ood_long_side = ood_long_side
        self.iterations = iterations
        self.cache = cache

    def before_train(self, runner):
        import hashlib
        import json
        import os.path as osp

        from mmengine.dist import broadcast

        from ..utils.io import atomic_write
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        if model.prototypes.abs().sum() > 0:  # resumed: the checkpoint carries them
            return
        dataset = runner.train_dataloader.dataset
        if not hasattr(dataset, 'ood'):
            raise TypeError('WOoDPrototypeHook: the training dataset is not a WithOoDDataset '
                            f'({type(dataset).__name__})')
        infos = [dataset.dataset.get_data_info(i) for i in range(len(dataset.dataset))]
        ood = [dataset.ood.get_data_info(i)['img_path'] for i in range(len(dataset.ood))]
        if len(ood) < model.num_ood_prototypes:
            raise ValueError(f'W-OoD: {len(ood)} OoD images for K={model.num_ood_prototypes} '
                             'clusters (model.num_ood_prototypes)')
        # what the prototypes depend on: a cache of another run is recomputed, not reused
        weights = runner.cfg.get('load_from')
        key = hashlib.sha256(json.dumps(dict(
            load_from=weights, mtime=osp.getmtime(weights) if weights and osp.isfile(weights)
            else None, images=[i['img_path'] for i in infos], ood=ood,
            long_side=self.ood_long_side, k=model.num_ood_prototypes,
            iterations=self.iterations)).encode()).hexdigest()
        path = osp.join(runner.work_dir, self.cache)
        cached = torch.load(path, map_location='cpu', weights_only=True) \
            if osp.isfile(path) else None
        if cached is not None and cached.get('key') == key:
            prototypes = cached['prototypes']
            runner.logger.info(f'W-OoD prototypes loaded from {path}')
        else:
            rank, world = get_dist_info()
            if rank == 0:  # one computation, broadcast: every rank holds the same prototypes
                prototypes = wood_prototypes(model, [i['img_path'] for i in infos],
                                             np.stack([i['img_labels'] for i in infos]), ood,
                                             self.ood_long_side, self.iterations)
                with atomic_write(path) as f:
                    torch.save(dict(prototypes=prototypes.cpu(), key=key), f)
            else:
                prototypes = torch.zeros_like(model.prototypes)
            if world > 1:
                prototypes = prototypes.to(model.prototypes)
                broadcast(prototypes, src=0)
            runner.logger.info(f'W-OoD prototypes from {len(infos)} images and {len(ood)} OoD '
                               f'images, saved to {path}')
        model.prototypes.copy_(prototypes.to(model.prototypes))


@torch.no_grad()
def wood_prototypes(model, img_paths, img_labels, ood_paths, ood_long_side=500, iterations=10):
    """``[C + K, D]``: the class means of the in-distribution features, then the K-means
    centres of the OoD features (see ``WOoDPrototypeHook``). Every rank computes them all
    (deterministic: the same result on every rank)."""
    from PIL import Image

    from ..models.losses.wood_loss import kmeans
    device = model.prototypes.device
    was_training = model.training
    model.eval()

    def feature(img):
        return model.pooled_features(torch.from_numpy(normalize(img))[None].to(device))[0]

    def long_side(path):
        img = Image.fromarray(read_rgb(path))
        scale = ood_long_side / max(img.size)
        return np.asarray(img.resize((round(img.width * scale), round(img.height * scale)),
                                     Image.BICUBIC))

    try:
        feats = torch.stack([feature(read_rgb(p)) for p in progress(img_paths,
                                                                   desc='W-OoD class features')])
        ood = torch.stack([feature(long_side(p)) for p in progress(ood_paths,
                                                                  desc='W-OoD OoD features')])
    finally:
        model.train(was_training)
    labels = torch.as_tensor(img_labels, dtype=feats.dtype, device=feats.device)
    counts = labels.sum(0)
    if (counts == 0).any():
        absent = torch.nonzero(counts == 0).flatten().tolist()
        raise ValueError(f'W-OoD prototypes: classes {absent} (0-based) occur in no training '
                         'image')
    class_means = labels.t() @ feats / counts[:, None]
    ood_centres, _ = kmeans(ood, k=model.num_ood_prototypes, iterations=iterations)
    return torch.cat([class_means, ood_centres.to(class_means)])


@HOOKS.register_module()
class GTSeedSelectionHook(Hook):
    """**Opt-in, uses pixel ground truth**: the reference W-OoD's model selection
    (``sub_cam_eval``), not a weakly supervised procedure. In the last epoch, from
    ``start`` of its iterations on and every ``interval`` iterations, the CAM seeds of
    ``split`` (its ground truth) are scored at ``thresholds``; the best mIoU so far saves
    ``<work_dir>/<filename>``. The last checkpoint stays the default result.

    The reference appends to its prediction lists across thresholds without resetting them
    (later thresholds are scored on all earlier predictions too); here each threshold has its
    own confusion matrix. Under torchrun the images are sharded and the matrices summed.
    """

    priority = 'LOW'  # after the optimiser step of the iteration

    def __init__(self, split='eval_split', thresholds=(0.06, 0.08, 0.10, 0.12), start=0.75,
                 interval=10, scales=(1.0, 0.5, 1.5, 2.0), filename='best_gt_selected.pth'):
        self.split, self.thresholds, self.start = split, tuple(thresholds), start
        self.interval, self.scales, self.filename = interval, tuple(scales), filename
        self.best = None

    def before_train(self, runner):  # a resumed run keeps its best so far
        self.best = runner.message_hub.get_info('gt_selected_mIoU')

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        per_epoch = len(runner.train_dataloader)
        first = int(self.start * per_epoch)
        last = batch_idx == per_epoch - 1  # the reference also scores the final model
        if runner.epoch != runner.max_epochs - 1 or batch_idx < first or \
                ((batch_idx - first) % self.interval and not last):
            return
        miou, threshold = self.evaluate(runner)
        runner.logger.info(f'GT seed selection (pixel labels): iteration {runner.iter + 1}, '
                           f'mIoU {100 * miou:.2f} at {threshold:g}')
        if self.best is None or miou > self.best:
            self.best = miou
            runner.save_checkpoint(runner.work_dir, self.filename, save_optimizer=False,
                                   save_param_scheduler=False)
            runner.message_hub.update_info('gt_selected_mIoU', miou)

    def evaluate(self, runner):
        """``(best mIoU, its threshold)`` of the current model's CAM seeds on ``split``."""
        from PIL import Image

        from ..datasets import build_split_dataset
        from ..datasets.config import split_name
        from ..evaluation.confusion import ConfusionMatrix
        from ..seeds.cam import CAMSeedGenerator
        from ..utils.seed_io import seed_to_label
        model = runner.model.module if is_model_wrapper(runner.model) else runner.model
        dataset = build_split_dataset(runner.cfg, split_name(runner.cfg, self.split),
                                      seg_map_path='gt', pipeline=[])
        classes = dataset.metainfo['classes']
        matrices = [ConfusionMatrix(len(classes)) for _ in self.thresholds]
        flags = [p.requires_grad for p in model.parameters()]
        rank, world = get_dist_info()
        try:
            generator = CAMSeedGenerator(model, self.scales)
            for i in range(rank, len(dataset), world):
                info = dataset.get_data_info(i)
                seed = generator(read_rgb(info['img_path']), np.flatnonzero(info['img_labels']))
                seed = dict(keys=seed['keys'].numpy(), high_res=seed['high_res'].cpu().numpy(),
                            has_bg=False)
                gt = np.asarray(Image.open(info['seg_map_path']))
                for thr, matrix in zip(self.thresholds, matrices):
                    matrix.update(seed_to_label(seed, thr), gt)
        finally:
            for p, flag in zip(model.parameters(), flags):
                p.requires_grad_(flag)
            model.train()
        counts = torch.as_tensor(np.stack([m.matrix for m in matrices]))
        if world > 1:
            all_reduce(counts, op='sum')
        scores = []
        for matrix, summed in zip(matrices, counts.numpy()):
            matrix.matrix = summed
            scores.append(matrix.metrics(classes)['mIoU'])
        best = int(np.argmax(scores))
        return scores[best], self.thresholds[best]
