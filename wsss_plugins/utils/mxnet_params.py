"""Read an MXNet ``.params`` file (``mx.nd.save`` of a dict) with numpy, so converting the
ResNet-38d ImageNet weights needs no mxnet (wave2.md §4.2, after mxnet's
``src/ndarray/ndarray.cc`` ``NDArray::Save/Load/LegacyLoad``; little-endian throughout).

File: ``uint64 0x112``, ``uint64 reserved``, ``uint64 N``, N arrays, ``uint64 M`` names
(``uint64 len`` + bytes each; M is 0 or N). Array: a leading ``uint32`` magic
``0xF993FAC9`` (V2: ``int32 stype``, ``uint32 ndim``, ``ndim × int64`` dims),
``0xF993FACA`` (V3, as V2), ``0xF993FAC8`` (V1: no stype) or anything else (legacy: that
``uint32`` is ndim, then ``ndim × uint32`` dims); then ``int32 dev_type``, ``int32 dev_id``,
``int32 type_flag`` and the raw data.
"""
import numpy as np

LIST_MAGIC = 0x112
V1, V2, V3 = 0xF993FAC8, 0xF993FAC9, 0xF993FACA
DTYPES = {0: np.float32, 1: np.float64, 2: np.float16, 3: np.uint8, 4: np.int32, 5: np.int8,
          6: np.int64}


class _Reader:
    def __init__(self, data, path):
        self.data, self.pos, self.path = data, 0, path

    def read(self, fmt, count=1):
        dtype = np.dtype(fmt).newbyteorder('<')
        end = self.pos + dtype.itemsize * count
        if end > len(self.data):
            raise ValueError(f'{self.path}: truncated MXNet file (needs {end} bytes, has '
                             f'{len(self.data)})')
        out = np.frombuffer(self.data, dtype, count, self.pos)
        self.pos = end
        return out

    def scalar(self, fmt):
        return int(self.read(fmt)[0])


def _read_array(r):
    magic = r.scalar('u4')
    if magic in (V2, V3):
        stype = r.scalar('i4')
        if stype != 0:
            raise ValueError(f'{r.path}: sparse NDArray (storage type {stype}) not supported')
        shape = tuple(r.read('i8', r.scalar('u4')))
    elif magic == V1:
        shape = tuple(r.read('i8', r.scalar('u4')))
    else:  # legacy: the magic is ndim
        shape = tuple(r.read('u4', magic))
    if len(shape) == 0:
        return np.zeros((0,), np.float32)
    r.read('i4', 2)  # context: dev_type, dev_id
    flag = r.scalar('i4')
    if flag not in DTYPES:
        raise ValueError(f'{r.path}: unknown MXNet type flag {flag}')
    return r.read(DTYPES[flag], int(np.prod(shape))).reshape(shape).copy()


def load_mxnet_params(path):
    """``{name: np.ndarray}`` of an ``mx.nd.save`` file (names keep ``arg:``/``aux:``)."""
    with open(path, 'rb') as f:
        r = _Reader(f.read(), path)
    if r.scalar('u8') != LIST_MAGIC:
        raise ValueError(f'{path}: not an MXNet NDArray file (bad magic)')
    r.scalar('u8')
    arrays = [_read_array(r) for _ in range(r.scalar('u8'))]
    names = [bytes(r.read('u1', r.scalar('u8'))).decode() for _ in range(r.scalar('u8'))]
    if len(names) != len(arrays):
        raise ValueError(f'{path}: {len(arrays)} arrays but {len(names)} names (an MXNet '
                         'parameter file saves a dict)')
    return dict(zip(names, arrays))

