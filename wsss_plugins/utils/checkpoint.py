"""Strict checkpoint loading for the per-image tools (seeds, pseudo labels).

MMEngine's ``load_checkpoint`` is non-strict: a checkpoint of another model (a COCO AMN
head with the VOC config, a CAM checkpoint given as IRN) loads what fits, leaves the rest
randomly initialised and only logs it, so seeds would come silently from a random head.
Here every missing, unexpected or shape-mismatched key is reported, and a mismatch fails
unless the caller asks for a non-strict load (the tools' ``--non-strict``).
"""


class CheckpointMismatch(ValueError):
    """A checkpoint whose keys or shapes do not fit the model; names the file."""


def compare_state_dicts(model_state, ckpt_state):
    """``dict(missing, unexpected, mismatched)``: key lists, mismatched as
    ``(key, checkpoint shape, model shape)``."""
    mismatched = [(k, tuple(v.shape), tuple(model_state[k].shape))
                  for k, v in ckpt_state.items()
                  if k in model_state and tuple(v.shape) != tuple(model_state[k].shape)]
    return dict(missing=sorted(set(model_state) - set(ckpt_state)),
                unexpected=sorted(set(ckpt_state) - set(model_state)),
                mismatched=mismatched)


def mismatch_report(report, limit=5):
    """One line per kind of problem, with up to ``limit`` examples."""
    def describe(kind, item):
        if kind == 'mismatched':
            key, ckpt_shape, model_shape = item
            return f'{key} {ckpt_shape} vs model {model_shape}'
        return item

    lines = []
    for kind in ('missing', 'unexpected', 'mismatched'):
        items = report[kind]
        if items:
            more = f' (+{len(items) - limit} more)' if len(items) > limit else ''
            lines.append(f'{len(items)} {kind} key(s): '
                         + ', '.join(describe(kind, i) for i in items[:limit]) + more)
    return lines


def load_weights(model, path, strict=True):
    """Load ``path`` (an mmengine or Detectron2 checkpoint, or a bare state dict) into
    ``model``.

    Returns the comparison report. With ``strict``, any missing, unexpected or mismatched
    key raises ``CheckpointMismatch``; otherwise the tensors that fit are loaded and the
    report is printed.
    """
    from mmengine.runner.checkpoint import _load_checkpoint
    checkpoint = _load_checkpoint(path, map_location='cpu')
    state = None
    if isinstance(checkpoint, dict):  # mmengine: 'state_dict'; Detectron2: 'model'
        state = checkpoint.get('state_dict', checkpoint)
        if isinstance(checkpoint.get('model'), dict) and 'state_dict' not in checkpoint:
            state = checkpoint['model']
    if not isinstance(state, dict):
        raise CheckpointMismatch(f'{path}: not a checkpoint (a {type(checkpoint).__name__})')
    state = {k[len('module.'):] if k.startswith('module.') else k: v for k, v in state.items()}
    model_state = model.state_dict()
    report = compare_state_dicts(model_state, state)
    # keys a model declares optional (IRNet's displacement mean) keep their initial value
    optional = set(getattr(model, 'optional_state_keys', ()))
    report['missing'] = [k for k in report['missing'] if k not in optional]
    problems = mismatch_report(report)
    if problems and strict:
        raise CheckpointMismatch(
            f'{path} does not fit {type(model).__name__} (a checkpoint of another model, '
            f'dataset or config?):\n  ' + '\n  '.join(problems) +
            '\n  --non-strict loads the tensors that fit and keeps the rest as initialised')
    if problems:
        print(f'[non-strict] {path}:\n  ' + '\n  '.join(problems), flush=True)
    skip = {k for k, _, _ in report['mismatched']}
    model.load_state_dict({k: v for k, v in state.items()
                           if k in model_state and k not in skip}, strict=False)
    return report


def load_model(cfg, checkpoint, device='cpu', strict=True):
    """``cfg.model`` built in the config's scope, ``checkpoint`` loaded by ``load_weights``,
    moved to ``device`` in eval mode (what every per-image tool starts with). ``cfg`` is a
    loaded config (``datasets.load_config``: class counts bound)."""
    from mmengine.registry import init_default_scope

    init_default_scope(cfg.get('default_scope', 'mmseg'))
    from mmseg.registry import MODELS
    model = MODELS.build(cfg.model)
    load_weights(model, checkpoint, strict=strict)
    return model.to(device).eval()
