from . import backbones, classifiers, converters, decode_heads, irn, losses, segmentors  # noqa: F401
