"""IRN's inter-pixel relation loss (methods.md §0 step 5; IRN ``step/train_irn.py``).

Pairs within ``radius`` (10 at stride 4) of the IR label map (0 = background,
1..C = class, 255 = uncertain) are positive when both ends carry the same label,
negative when they differ, ignored when either end is uncertain
(``voc12/dataloader.py::GetAffinityLabelFromIndices``).  With the affinity
``a = 1 − max(sigmoid(edge))`` along the pair's path and the displacement field δ:

* pos    = ½·mean_{bg pos} −log(a + 1e-5) + ½·mean_{fg pos} −log(a + 1e-5)
* neg    = mean_{neg} −log(1 + 1e-5 − a)
* dp_fg  = Σ_{fg pos} |δ_i − δ_j − (p_j − p_i)|₁ / (2·#fg pos)   (pair points at one centroid)
* dp_bg  = Σ_{bg pos} |δ_i − δ_j|₁ / (2·#bg pos)
* total  = (pos + neg)/2 + (dp_fg + dp_bg)/2

Means are over the whole batch (IRN sums over the batch before dividing), each
denominator + 1e-5 as in IRN; under DDP the pair counts are summed over the processes, so
N processes give the gradient of one process on the same global batch.  The four terms are
returned already halved so that their sum (what mmengine's ``parse_losses`` optimises) is
IRN's total.
"""
import torch
import torch.nn as nn
from mmseg.registry import MODELS

from ...utils.dist import global_denominators
from ...utils.path_index import PathIndex

_EPS = 1e-5


def affinity_labels(label, path_index, ignore_index=255):
    """IR label map ``[B, H, W]`` → (bg_pos, fg_pos, neg) float masks ``[B, D, P]``."""
    src, dst = path_index.to_pair_values(label)
    valid = (src != ignore_index) & (dst != ignore_index)
    equal = src == dst
    pos = equal & valid
    bg_pos = pos & (src == 0)
    fg_pos = pos & (src > 0)
    neg = ~equal & valid
    return bg_pos.float(), fg_pos.float(), neg.float()


@MODELS.register_module()
class AffinityDisplacementLoss(nn.Module):
    """Affinity (boundary) + displacement loss of IRN on one batch.

    Args:
        radius: pair radius at the label resolution (IRN trains with 10 at stride 4).
        ignore_index: the IR label value of uncertain pixels.
    """

    def __init__(self, radius=10, ignore_index=255):
        super().__init__()
        self.path_index = PathIndex(radius)
        self.ignore_index = ignore_index

    def forward(self, edge_logits, displacement, label):
        """Args: edge logits ``[B, 1, h, w]``, displacement ``[B, 2, h, w]`` (dy, dx),
        IR labels ``[B, h, w]`` at the same resolution. Returns a dict of loss terms."""
        if edge_logits.shape[-2:] != label.shape[-2:] or displacement.shape[-2:] != label.shape[-2:]:
            raise ValueError(f'edge {tuple(edge_logits.shape)}, displacement '
                             f'{tuple(displacement.shape)} and labels {tuple(label.shape)} '
                             'must share their spatial size')
        index = self.path_index
        aff = index.to_affinity(torch.sigmoid(edge_logits[:, 0]))
        bg_pos, fg_pos, neg = (m.to(aff.dtype)
                               for m in affinity_labels(label, index, self.ignore_index))

        pair_disp = index.to_pair_difference(displacement)  # δ_i − δ_j: [B, 2, D, P]
        target = index.offsets_tensor(displacement.device, displacement.dtype)
        pos_term = -torch.log(aff + _EPS)
        sums = torch.stack([
            (bg_pos * pos_term).sum(),
            (fg_pos * pos_term).sum(),
            (neg * -torch.log(1. + _EPS - aff)).sum(),
            ((pair_disp - target).abs() * fg_pos.unsqueeze(1)).sum(),
            (pair_disp.abs() * bg_pos.unsqueeze(1)).sum()])
        # Denominators over the global batch (all processes), as IRN's single process.
        (n_bg, n_fg, n_neg), world = global_denominators(
            torch.stack([bg_pos.sum(), fg_pos.sum(), neg.sum()]))
        sums = sums * world
        pos_loss = sums[0] / (n_bg + _EPS) / 2 + sums[1] / (n_fg + _EPS) / 2
        neg_loss = sums[2] / (n_neg + _EPS)
        dp_fg_loss = sums[3] / (2 * n_fg + _EPS)
        dp_bg_loss = sums[4] / (2 * n_bg + _EPS)
        return dict(loss_aff_pos=pos_loss / 2, loss_aff_neg=neg_loss / 2,
                    loss_dp_fg=dp_fg_loss / 2, loss_dp_bg=dp_bg_loss / 2)
