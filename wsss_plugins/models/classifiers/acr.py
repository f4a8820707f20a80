"""ACR (Kweon et al., CVPR 2023): adversarial learning of a classifier and a reconstructor
(methods.md §5, wave2.md §3; the official ``models/exp_recon_cvpr23.py``).

Per batch, one random target class per image, then two updates (``models/losses/acr_loss.py``
for the terms):

1. **RU** (reconstructor trains, classifier in eval mode and without gradient): the
   reconstructor rebuilds the image from its feature with the classifier's target map and the
   SRF grid removing parts, and the removed parts are scored;
2. **CU** (classifier trains, the reconstructor in eval mode with its parameters frozen, its
   feature under no grad): the classifier's soft target map masks the feature, and it is
   rewarded for the reconstructor's error on the side its map excludes.

Each update steps its own optimiser of the ``OptimWrapperDict`` (``optim_wrapper`` keys
``classifier`` and ``reconstructor``, built by ``ACROptimWrapperConstructor``), and is
skipped when its loss is not finite (the official NaN guard). The SRF keep probability
follows the epoch (MMEngine's message hub).
"""
from contextlib import contextmanager

import torch
import torch.nn.functional as F
from mmengine.dist import all_reduce
from mmengine.logging import MessageHub
from mmengine.model import BaseModel
from mmseg.registry import MODELS

from ..losses.acr_loss import (VOC_WEIGHTS, classifier_loss, keep_probability, remnant_grid,
                               removed_parts, reconstructor_loss, target_classes, target_map)
from .acr_networks import ACRClassifierNet, ACRReconstructorNet
from .cam_classifier import image_labels


@contextmanager
def frozen(module):
    """Parameters without gradients inside the block (gradients still flow through)."""
    flags = [p.requires_grad for p in module.parameters()]
    for p in module.parameters():
        p.requires_grad_(False)
    try:
        yield
    finally:
        for p, flag in zip(module.parameters(), flags):
            p.requires_grad_(flag)


@MODELS.register_module()
class ACR(BaseModel):
    """Classifier + reconstructor, trained against each other by ``train_step``.

    Args:
        backbone: the backbone of both networks (ResNet-38d, ``out_indices=(0, 1, 2)``).
        num_classes: foreground classes.
        cam_channels: fc8's width (256).
        recon_channels / decoder / feature_channels: ``ACRReconstructorNet``'s.
        ru_weights / cu_weights: (w_bce, w_full, w_t, w_nt) and (w_bce, w_t, w_nt); VOC: the
            official (1, 0.2, 0.3, 0.5) / (1, 0.8, 0.3); COCO (seed document §A.3):
            (1, 0.2, 0.2, 0.2) / (1, 0.3, 0.2).
        remnant_cells: SRF's grid, s ~ U[16, 24] per iteration (``(16, 24)``, the seed
            document) or a fixed int (16: the official code).
        keep_prob / keep_prob_step: SRF's q at epoch 0 and its decrease per epoch (0.8, 0.01).
        min_kept: the official ``valid``: the RU target term counts images whose remnant keeps
            more than this many pixels (50).
    """

    def __init__(self, backbone, num_classes, cam_channels=256, recon_channels=(64, 128, 256),
                 decoder=None, ru_weights=VOC_WEIGHTS['ru'], cu_weights=VOC_WEIGHTS['cu'],
                 remnant_cells=(16, 24), keep_prob=0.8, keep_prob_step=0.01, min_kept=50,
                 feature_channels=None, data_preprocessor=None, init_cfg=None):
        super().__init__(data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.classifier = ACRClassifierNet(backbone, num_classes, cam_channels)
        self.reconstructor = ACRReconstructorNet(backbone, num_classes, cam_channels,
                                                 recon_channels, decoder, feature_channels)
        self.num_classes = num_classes
        self.ru_weights, self.cu_weights = tuple(ru_weights), tuple(cu_weights)
        self.remnant_cells = remnant_cells if isinstance(remnant_cells, int) \
            else tuple(remnant_cells)
        self.keep_prob, self.keep_prob_step, self.min_kept = keep_prob, keep_prob_step, min_kept

    def net(self, name):
        """A network without its DDP wrapper (``MMSeparateDistributedDataParallel`` wraps
        each): the other network's forwards in an update need no gradient sync."""
        module = getattr(self, name)
        return getattr(module, 'module', module)

    # inference (seeds): the classifier's maps
    def class_maps(self, inputs):
        return self.net('classifier').class_maps(inputs)

    def cam(self, inputs):
        return F.relu(self.class_maps(inputs))

    def forward(self, inputs, data_samples=None, mode='tensor'):
        logits = self.class_maps(inputs).mean((2, 3))
        if mode == 'tensor':
            return logits
        if mode == 'predict':
            for sample, score in zip(data_samples, torch.sigmoid(logits)):
                sample.set_field(score, 'pred_img_scores')
            return data_samples
        raise ValueError(f'ACR trains by train_step (two optimisers); mode {mode!r} is not '
                         'available: expected "tensor" or "predict"')

    def current_keep_prob(self):
        epoch = MessageHub.get_current_instance().get_info('epoch', 0)
        return keep_probability(epoch, self.keep_prob, self.keep_prob_step)

    def reconstructor_losses(self, inputs, labels, targets, grid):
        """RU: the weighted terms and the reconstructions (r_full, r_t, r_nt)."""
        size = inputs.shape[-2:]
        with torch.no_grad():
            cam_t = target_map(self.class_maps(inputs), labels, targets, size)
        removed_t, removed_nt = removed_parts(cam_t, grid)
        cams, recon = self.reconstructor(inputs, (1 - removed_t, 1 - removed_nt))
        losses = reconstructor_loss(inputs, cams.mean((2, 3)), labels, *recon, removed_t,
                                    removed_nt, self.ru_weights, self.min_kept)
        return losses, recon

    def classifier_losses(self, inputs, labels, targets):
        """CU: the weighted terms and the reconstructions (r_t, r_nt)."""
        size = inputs.shape[-2:]
        cams = self.classifier(inputs)
        soft_t = target_map(cams, labels, targets, size)
        reconstructor = self.net('reconstructor')
        with torch.no_grad():
            predicted = F.interpolate(cams, size, mode='bilinear', align_corners=False).argmax(1)
            feat = reconstructor.encode(inputs)[0]
        decode = reconstructor.decoder
        recon = (decode(feat * soft_t), decode(feat * (1 - soft_t)))
        losses = classifier_loss(inputs, cams.mean((2, 3)), labels, *recon, soft_t,
                                 (predicted == targets[:, None, None])[:, None],
                                 self.cu_weights)
        return losses, recon

    def _update(self, losses, optim_wrapper, name):
        loss, log_vars = self.parse_losses(losses)
        # every process skips together (a lone skip would leave the others waiting in DDP's
        # gradient all-reduce); no-op without a process group
        finite = torch.isfinite(loss).float().reshape(1)
        all_reduce(finite, op='min')
        if finite.item() == 1:
            optim_wrapper.update_params(loss)
        log_vars[f'{name}_skipped'] = 1 - finite[0]
        return {(k if k != 'loss' else f'loss_{name}'): v for k, v in log_vars.items()}

    def train_step(self, data, optim_wrapper):
        data = self.data_preprocessor(data, True)
        inputs = data['inputs']
        labels = image_labels(data['data_samples'], inputs.device)
        targets = target_classes(labels)
        keep_prob = self.current_keep_prob()
        grid = remnant_grid(len(inputs), inputs.shape[-2:], keep_prob, self.remnant_cells,
                            device=inputs.device)
        log_vars = dict(keep_prob=torch.tensor(keep_prob))

        self.classifier.eval()
        self.reconstructor.train()
        with optim_wrapper['reconstructor'].optim_context(self.reconstructor):
            losses = self.reconstructor_losses(inputs, labels, targets, grid)[0]
        log_vars.update(self._update(losses, optim_wrapper['reconstructor'], 'ru'))

        self.classifier.train()
        self.reconstructor.eval()
        with optim_wrapper['classifier'].optim_context(self.classifier), \
                frozen(self.net('reconstructor')):
            losses = self.classifier_losses(inputs, labels, targets)[0]
        log_vars.update(self._update(losses, optim_wrapper['classifier'], 'cu'))
        self.reconstructor.train()
        return log_vars
