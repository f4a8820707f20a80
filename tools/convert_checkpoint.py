"""Convert an official repository's checkpoint into a wsss_plugins (mmengine) checkpoint.

    python tools/convert_checkpoint.py --src irn_cam sess/res50_cam.pth.pth res50_cam_mm.pth

``--src`` names a ``CHECKPOINT_CONVERTERS`` entry; ``.params`` inputs are MXNet files
(read with numpy, ``wsss_plugins/utils/mxnet_params.py``).  The output holds the converted
weights under ``state_dict`` and loads with ``load_checkpoint`` / ``load_from``.
"""
import argparse
import os.path as osp

import torch

import wsss_plugins  # noqa: F401 - registers the converters
from wsss_plugins.registry import CHECKPOINT_CONVERTERS


def convert_file(src, in_path, out_path):
    if not osp.isfile(in_path):
        raise FileNotFoundError(f'checkpoint not found: {in_path}')
    if in_path.endswith('.params'):  # MXNet (ResNet-38d's ImageNet weights): no mxnet needed
        from wsss_plugins.utils.mxnet_params import load_mxnet_params
        checkpoint = {k: torch.from_numpy(v) for k, v in load_mxnet_params(in_path).items()}
    else:
        checkpoint = torch.load(in_path, map_location='cpu', weights_only=True)
    state_dict = checkpoint.get('state_dict', checkpoint) if isinstance(checkpoint, dict) \
        else None
    if not isinstance(state_dict, dict):
        raise ValueError(f'{in_path}: expected a state dict, got {type(checkpoint).__name__}')
    try:
        converted = CHECKPOINT_CONVERTERS.get(src)(state_dict)
    except KeyError as e:
        raise KeyError(f'{in_path}: {e.args[0]}') from e
    from wsss_plugins.utils import atomic_write
    with atomic_write(out_path) as f:
        torch.save({'state_dict': converted,
                    'meta': dict(converted_from=osp.basename(in_path), converter=src)}, f)
    return converted


def main():
    names = sorted(CHECKPOINT_CONVERTERS.module_dict)
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--src', required=True, choices=names, help='checkpoint source')
    parser.add_argument('input')
    parser.add_argument('output')
    args = parser.parse_args()
    converted = convert_file(args.src, args.input, args.output)
    print(f'{args.input} -> {args.output}: {len(converted)} tensors ({args.src})')


if __name__ == '__main__':
    main()
