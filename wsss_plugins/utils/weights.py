"""Pretrained files the configs use: one table (``WEIGHTS``), what a config needs
(``config_weights``), and the check that runs before training (``require_weights``) so a
machine without internet stops at once with the file, its URL, the path to put it at and
the ``--cfg-options`` line that points the config elsewhere, instead of a bare
``URLError`` from deep inside urllib.

MMEngine loads a URL checkpoint from the torch hub cache when the file is there
(``$TORCH_HOME/hub/checkpoints/<file name of the URL>``, ``torch.hub.get_dir()``) and
downloads it otherwise. ``torchvision://NAME`` resolves through MMEngine's own URL table
(``mmengine/hub/torchvision_0.12.json``, the ImageNet-1k v1 weights) — read here directly,
since MMEngine's resolver imports torchvision, which this stack does not install; configs
passed through ``require_weights`` get the URL in its place.

``WSSS_OFFLINE=1`` skips the reachability probe (clusters whose DNS hangs instead of failing).
"""
import hashlib
import json
import os
import os.path as osp

#: Every pretrained file a config or a converter here uses. ``sha256`` is the publisher's
#: where it gives one (torchvision names its files after the first 8 hex digits of the
#: SHA-256, which torch.hub checks), ``url`` None where the publisher offers no direct file.
def _torchvision(file, size, what, used_by):
    """A torchvision file: its URL and its SHA-256 prefix follow from its name."""
    return dict(file=file, url=f'https://download.pytorch.org/models/{file}',
                sha256=file.rsplit('-', 1)[1].split('.')[0], size=size, what=what,
                used_by=used_by)


WEIGHTS = [
    _torchvision('resnet50-19c8e357.pth', '97.8 MB',
                 'ImageNet ResNet-50 (torchvision v1), as IRN, AMN and AdvCAM load it',
                 'CAM, IRN, AMN configs (configs/_base_/models/{cam,irn,amn}_r50.py)'),
    _torchvision('resnet101-5d3b4d8f.pth', '170.5 MB',
                 'ImageNet ResNet-101 (torchvision v1, the IRN-era file)',
                 'CAM R-101 (configs/cam/cam_r101_voc.py)'),
    _torchvision('resnet50-0676ba61.pth', '97.8 MB',
                 'ImageNet ResNet-50 (torchvision://resnet50 in MMEngine: IMAGENET1K_V1)',
                 'Faster / Mask R-CNN R-50 (configs/bbam/*r50*)'),
    _torchvision('resnet101-63fe2227.pth', '170.5 MB',
                 'ImageNet ResNet-101 (torchvision://resnet101 in MMEngine: IMAGENET1K_V1)',
                 'Faster / Mask R-CNN R-101 (configs/bbam/*r101*)'),
    dict(file='data/pretrained/deeplabv2_r101_imagenet.pth', url=None, sha256=None,
         size='—', what='DeepLab-v2 caffe ResNet-101 ImageNet init (deeplab-pytorch '
         '`scripts/setup_caffemodels.sh` → its `convert.py`), converted to our keys by '
         '`tools/convert_checkpoint.py --src deeplabv2_caffe SRC.pth THIS`',
         used_by='DeepLab-v2 R-101 (configs/_base_/models/deeplabv2_r101.py)'),
    dict(file='data/pretrained/deeplabv2_r101_coco.pth', url=None, sha256=None,
         size='—', what='DeepLab-v2 caffe ResNet-101 COCO-pretrained init (the '
         'papers\' "COCO init" rows), converted the same way; opt-in through '
         '--cfg-options model.backbone.init_cfg.checkpoint=THIS',
         used_by='DeepLab-v2 R-101, optional'),
    dict(file='res50_cam.pth, res50_irn.pth', url=None, sha256=None, size='—',
         what='official IRN checkpoints (jiwoon-ahn/irn README links), read by '
         '`tools/convert_checkpoint.py --src irn_cam / irn`', used_by='the converters'),
    dict(file='the AMN checkpoint', url=None, sha256=None, size='—',
         what='official AMN checkpoint (gaviotas/AMN README link), read by '
         '`tools/convert_checkpoint.py --src amn`', used_by='the converters'),
    dict(file='ilsvrc-cls_rna-a1_cls1000_ep-0001.params', url=None, sha256=None,
         size='—', what='ResNet-38d ImageNet weights (itijyou/ademxapp, MXNet; PSA / SEAM; '
         'ACR ships the same model as resnet_38d.params), read without mxnet by '
         '`tools/convert_checkpoint.py --src resnet38d`', used_by='the converter'),
    dict(file='data/pretrained/resnet38d.pth', url=None, sha256=None, size='—',
         what='those ResNet-38d weights converted to our keys: `tools/convert_checkpoint.py '
         '--src resnet38d ilsvrc-cls_rna-a1_cls1000_ep-0001.params THIS` (or a PSA-format '
         '.pth)', used_by='ResNet-38d configs (configs/_base_/models/resnet38d.py: '
         'cam_wr38_*, wood_wr38_voc, acr_wr38_*)'),
]


class WeightsMissing(RuntimeError):
    pass


def hub_dir():
    import torch
    return osp.join(torch.hub.get_dir(), 'checkpoints')


def torchvision_url(name):
    import mmengine
    with open(osp.join(mmengine.__path__[0], 'hub', 'torchvision_0.12.json')) as f:
        urls = json.load(f)
    if name not in urls:
        raise KeyError(f'torchvision://{name}: not in MMEngine\'s torchvision URL table')
    return urls[name]


def resolve(checkpoint):
    """``(url or None, local path)`` of a checkpoint string (URLs: their hub-cache path)."""
    url = torchvision_url(checkpoint[len('torchvision://'):]) \
        if checkpoint.startswith('torchvision://') else checkpoint
    if url.startswith(('http://', 'https://')):
        return url, osp.join(hub_dir(), osp.basename(url.split('?')[0]))
    return None, checkpoint


def entry(url_or_path):
    name = osp.basename(url_or_path or '')
    return next((w for w in WEIGHTS if osp.basename(w['file']) == name), None)


def config_weights(cfg):
    """``[(config key, checkpoint string)]``: every ``Pretrained`` ``init_cfg`` and a set
    ``load_from`` (placeholders of pipelines excluded)."""
    found = []

    def walk(node, key):
        if isinstance(node, dict):
            init = node.get('init_cfg')
            inits = init if isinstance(init, (list, tuple)) else [init]
            for i, ic in enumerate(inits):
                if isinstance(ic, dict) and ic.get('type') == 'Pretrained' \
                        and isinstance(ic.get('checkpoint'), str):
                    sub = f'{key}init_cfg' + (f'.{i}' if isinstance(init, (list, tuple)) else '')
                    found.append((f'{sub}.checkpoint', ic['checkpoint']))
            for k, v in node.items():
                if k != 'init_cfg':
                    walk(v, f'{key}{k}.')
        elif isinstance(node, (list, tuple)):
            for i, v in enumerate(node):
                walk(v, f'{key}{i}.')

    walk(cfg.get('model', {}), 'model.')
    load_from = cfg.get('load_from')
    if isinstance(load_from, str) and '{' not in load_from:
        found.append(('load_from', load_from))
    return found


def reachable(url, timeout=5):
    """Whether ``url`` answers (a HEAD request); ``(ok, reason)``."""
    if os.environ.get('WSSS_OFFLINE'):
        return False, 'WSSS_OFFLINE is set'
    import urllib.request
    try:
        urllib.request.urlopen(urllib.request.Request(url, method='HEAD'), timeout=timeout)
        return True, ''
    except Exception as e:  # noqa: BLE001 - URLError, timeouts, refusals, bad HTTP replies
        return False, str(getattr(e, 'reason', e))


def status(cfg):
    """``[dict(key, checkpoint, url, path, present, entry)]`` of what ``cfg`` needs (other
    MMEngine schemes — ``open-mmlab://``, ``s3://``… — are MMEngine's to resolve)."""
    rows = []
    for key, checkpoint in config_weights(cfg):
        if '://' in checkpoint and not checkpoint.startswith(
                ('http://', 'https://', 'torchvision://')):
            continue
        url, path = resolve(checkpoint)
        rows.append(dict(key=key, checkpoint=checkpoint, url=url, path=path,
                         present=osp.isfile(path), entry=entry(url or path)))
    return rows


def missing_message(config, rows):
    lines = [f'{config} needs pretrained weights that are not on this machine:']
    for r in rows:
        what = f' ({r["entry"]["what"]})' if r['entry'] else ''
        lines.append(f'  {osp.basename(r["path"])}{what}, for {r["key"]}')
        if r['url']:
            lines += [f'    URL: {r["url"]} (not reachable from here: {r["reason"]})',
                      f'    put it at: {r["path"]}']
        else:
            lines.append(f'    expected at: {osp.abspath(r["path"])}')
        lines.append(f'    or point the config at a copy: --cfg-options '
                     f'{r["key"]}=/path/to/{osp.basename(r["path"])}')
    if any(r['url'] for r in rows):
        lines.append(f'  on a machine with internet: python tools/weights.py fetch {config} '
                     '(fills the same cache; copy it over)')
    return '\n'.join(lines)


def require_weights(cfg, config_name=None):
    """Before training: every needed file is present, or its URL answers (MMEngine then
    downloads it); otherwise ``WeightsMissing`` with ``missing_message``. ``torchvision://``
    checkpoints are replaced by their URL (see the module docstring)."""
    missing = []
    for r in status(cfg):
        if r['checkpoint'].startswith('torchvision://'):
            _set(cfg, r['key'], r['url'])
        if r['present']:
            continue
        ok, reason = reachable(r['url']) if r['url'] else (False, 'no URL')
        if not ok:
            missing.append(dict(r, reason=reason))
    if missing:
        raise WeightsMissing(missing_message(config_name or cfg.filename, missing))


def fetch(url, path, sha256=None):
    """Download ``url`` to ``path`` (atomically) and check its SHA-256 (or its prefix, as
    torchvision's file names give it); a mismatch removes the file and raises."""
    import torch
    os.makedirs(osp.dirname(path), exist_ok=True)
    tmp = path + '.partial'
    torch.hub.download_url_to_file(url, tmp, progress=True)
    digest = sha256_of(tmp)
    if sha256 and not digest.startswith(sha256):
        os.remove(tmp)
        raise WeightsMissing(f'{url}: SHA-256 {digest} does not match the published '
                             f'{sha256}; the file was removed')
    os.replace(tmp, path)
    return digest


def sha256_of(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            h.update(block)
    return h.hexdigest()


def _set(cfg, dotted, value):
    node, parts = cfg, dotted.split('.')
    for part in parts[:-1]:
        node = node[int(part)] if isinstance(node, (list, tuple)) else node[part]
    node[parts[-1]] = value
