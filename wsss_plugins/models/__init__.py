from . import (backbones, classifiers, converters, decode_heads, detection, irn,  # noqa: F401
               losses, segmentors)
