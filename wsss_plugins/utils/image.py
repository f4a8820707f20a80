"""Image helpers shared by every layer: decoding, normalisation, sizes, label resizing.

Each follows the IRN family's own behaviour (methods.md §0), so that the seed, IR-label,
random-walk and training passes all see the same pixels and numbers.
"""
import numpy as np
import torch
from PIL import Image

IMAGENET_MEAN = (0.485, 0.456, 0.406)
IMAGENET_STD = (0.229, 0.224, 0.225)


def read_rgb(path):
    """uint8 RGB ``[H, W, 3]`` decoded by Pillow (as IRN's imageio does; OpenCV's JPEG decoder
    can differ by ±1 grey level)."""
    try:
        with Image.open(path) as img:
            return np.asarray(img.convert('RGB'))
    except (OSError, ValueError) as e:
        raise OSError(f'{path}: cannot read image ({e})') from e


def strided_size(size, stride):
    """IRN ``imutils.get_strided_size``."""
    return (size[0] - 1) // stride + 1, (size[1] - 1) // stride + 1


def strided_up_size(size, stride):
    """IRN ``imutils.get_strided_up_size``: the strided size times the stride."""
    h, w = strided_size(size, stride)
    return h * stride, w * stride


def normalize(img):
    """IRN ``TorchvisionNormalize`` + ``HWC_to_CHW``: float64 arithmetic, float32 result.

    The one normalisation of every inference pass (seeds and the random walk's boundary
    map): the data preprocessor's float32 arithmetic differs from it by ~1e-7, enough to
    move edge maps by 7e-7 against the official code on identical weights."""
    mean = np.asarray(IMAGENET_MEAN)
    std = np.asarray(IMAGENET_STD)
    return np.ascontiguousarray(((img / 255. - mean) / std).astype(np.float32).transpose(2, 0, 1))


def resize_label_pil(label, size):
    """Label map ``[H, W]`` (values <= 255) → ``size`` (h, w) with PIL ``NEAREST``, as AMN's
    ``resize_labels`` and ``make_amn_cam`` do.  (torch ``nearest-exact`` samples the same
    pixel centres but rounds differently at exact half-way products.)"""
    label = np.asarray(label)
    if label.shape == tuple(size):
        return label
    return np.asarray(Image.fromarray(label.astype(np.uint8)).resize(
        (int(size[1]), int(size[0])), Image.NEAREST))


def resize_labels_nearest(labels, size):
    """``[B, H, W]`` label tensor → ``[B, *size]`` with PIL ``NEAREST`` (on the CPU)."""
    if tuple(labels.shape[-2:]) == tuple(size):
        return labels
    resized = np.stack([resize_label_pil(label, size) for label in labels.cpu().numpy()])
    return torch.from_numpy(resized).to(labels.device, labels.dtype)


def min_max_norm(maps, eps=1e-5):
    """PSA/ACR ``max_norm`` of ``[..., h, w]`` maps: ReLU, then per map
    ``(x − min − eps) / (max − min + eps)``, ReLU (wave2.md §3.2)."""
    maps = torch.relu(maps)
    lo = maps.amin((-2, -1), keepdim=True)
    hi = maps.amax((-2, -1), keepdim=True)
    return torch.relu((maps - lo - eps) / (hi - lo + eps))
