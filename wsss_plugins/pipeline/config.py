"""Pipeline configs: the variables a pipeline may set, declared once, and the checks
``tools/run_pipeline.py`` runs (``--list``, and before every run) so that a missing file,
an unknown key or a class-count mismatch stops the pipeline before any stage starts.

A pipeline runs on one dataset config (``dataset``) at one ``size``: ``configs[size]``
names the method config of every role (``cam``, ``amn``, ``irn``, ``deeplab``,
``deeplab_gt``, ``detector``, ``mask_rcnn``) and ``options[size]`` their extra ``--cfg-options``; the
stages read them as ``{cam_config}`` / ``{cam_options}``, and the dataset's split roles as
``{train_split}`` / ``{eval_split}`` / ``{val_split}``.
"""
import difflib
import os.path as osp

from .runner import PLACEHOLDER, PipelineError

#: Every variable a pipeline config may set (configs/pipelines/_base_/stages.py sets them).
PIPELINE_VARIABLES = dict(
    dataset='dataset config (configs/_base_/datasets/*.py); --dataset overrides it',
    size="a key of `configs`: 'toy' (CPU-sized models), 'full' (the references' VOC recipes), "
         "'full_coco14'; --size overrides it",
    configs='{size: {role: method config}} for the roles cam, amn, irn, deeplab, deeplab_gt, '
            'detector, mask_rcnn, wood, acr, bbam (the BBAM pass\'s config: the MMDetection detector\'s '
            'or a Detectron2 detector\'s bbam_d2_*.py), d2_detector, d2_mask_rcnn (Detectron2 '
            'yamls)',
    options='{size: {role: [extra --cfg-options entries; KEY VALUE pairs for the d2_ roles]}} '
            '(roles as `configs`, advcam, mask_rcnn_test, d2_mask_rcnn_test)',
    work_dir='output directory (default work_dirs/pipeline_<pipeline>_<dataset>_<size>)',
    stages='the ordered stage list (dicts name, tool, args)',
    skip='names of stages not to run',
    report='the report: table rows, curves, per-class charts, overlays, figures',
    seeds='the seeds the random walk refines, e.g. {cam_seeds.out}',
    ir_labels='the IR labels IRN trains on, e.g. {cam_ir.out}',
    rw_preset='random-walk preset (wsss_plugins/utils/protocols.py)',
    amn_preset='IR-label preset for the AMN seeds',
    sweep='seed threshold sweep START:STOP:STEP of the evaluations',
    advcam_split='split (or role) the AdvCAM seeds are made for',
    seed_chains='{method: dict(seeds, ir_labels, rw_preset, stages)}: the seed methods a '
                'pipeline offers, each with the stages that make its seeds and IR labels',
    seed_method='a key of `seed_chains` (cam, advcam, amn): sets seeds, ir_labels and '
                'rw_preset, and skips the stages only other chains list',
    instance_split='split (or role) the pseudo instances are scored on (IRN: VOC train)',
    cam_protocol="the seed protocol the CAM seeds are reported under (default 'irn')",
    thresholds="'preset' (the references' fixed thresholds, default) or 'calibrated' (chosen "
               'on a calibration split: `calibrated_stages` join the run, DeepLab-v2 trains on '
               'their pseudo labels)',
    calibration_images='calibration images ({size: number} or a number)',
    calibration_seed='seed of the calibration draw',
    pseudo_labels='the pseudo labels DeepLab-v2 trains on (set by `thresholds`)',
    calibrated_stages='the stages thresholds=\'calibrated\' inserts before DeepLab-v2',
    calibration_report='the report section of the calibrated run (preset vs calibrated)',
    seed_eval_options='extra arguments of the seed evaluations, e.g. '
                      "['--region', 'ContextMask'] (the context toy's bands)",
)
ROLES = ('cam', 'amn', 'irn', 'deeplab', 'deeplab_gt', 'detector', 'mask_rcnn', 'wood', 'acr',
         'bbam', 'd2_detector', 'd2_mask_rcnn')
OPTION_ROLES = ROLES + ('advcam', 'mask_rcnn_test', 'd2_mask_rcnn_test')
#: Keys a stage's --cfg-options may add although its config lacks them.
NEW_KEYS_ALLOWED = ('load_from', 'resume')


def load_pipeline_config(path, dataset=None, size=None, cfg_options=None):
    """The pipeline config with ``dataset``/``size`` applied and the stage variables derived."""
    from mmengine.config import Config

    from ..datasets.config import ROLE_DEFAULTS, load_dataset_config
    if not osp.isfile(path):
        raise PipelineError(f'pipeline config not found: {path}')
    cfg = Config.fromfile(path)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
    if dataset is not None:
        cfg.dataset = dataset
    if size is not None:
        cfg.size = size
    # stage_*/row_*: the stage library's entries; _*: helpers of the config files
    unknown = [k for k in cfg if k not in PIPELINE_VARIABLES
               and not k.startswith(('stage_', 'row_', '_'))]
    if unknown:
        hints = [f'{k} (did you mean {m[0]}?)' if (m := difflib.get_close_matches(
            k, list(PIPELINE_VARIABLES), 1)) else k for k in unknown]
        raise PipelineError(f'{path}: unknown pipeline variable(s) {", ".join(hints)}; the '
                            f'variables are {", ".join(PIPELINE_VARIABLES)}')
    for key in ('dataset', 'size', 'configs', 'stages'):
        if key not in cfg:
            raise PipelineError(f'{path}: `{key}` is not set ({PIPELINE_VARIABLES[key]})')
    if cfg.size not in cfg.configs:
        raise PipelineError(f'{path}: size {cfg.size!r} has no `configs` entry; sizes: '
                            f'{", ".join(cfg.configs)}')
    try:
        ds = load_dataset_config(cfg.dataset)
    except (OSError, ValueError) as e:
        raise PipelineError(str(e)) from e
    for role in ROLES:
        cfg[f'{role}_config'] = cfg.configs[cfg.size].get(role, f'<no {role} config for size '
                                                                f'{cfg.size}>')
    if 'bbam' not in cfg.configs[cfg.size]:  # BBAM reads the MMDetection detector's config
        cfg.bbam_config = cfg.detector_config
    options = cfg.get('options', {}).get(cfg.size, {})
    for role in OPTION_ROLES:
        cfg[f'{role}_options'] = list(options.get(role, []))
    for role, default in ROLE_DEFAULTS.items():
        cfg[role] = ds.get(role, default)
    if cfg.get('seed_method') is not None:
        apply_seed_method(cfg, path)
    if isinstance(cfg.get('calibration_images'), dict):
        cfg.calibration_images = cfg.calibration_images[cfg.size]
    if cfg.get('thresholds', 'preset') not in ('preset', 'calibrated'):
        raise PipelineError(f"{path}: thresholds must be 'preset' or 'calibrated', got "
                            f'{cfg.thresholds!r}')
    if cfg.get('thresholds') == 'calibrated':
        apply_calibration(cfg, path)
    if not cfg.get('work_dir'):
        stem = lambda p: osp.splitext(osp.basename(p))[0]  # noqa: E731
        cfg.work_dir = osp.join('work_dirs', f'pipeline_{stem(path)}_{stem(cfg.dataset)}_'
                                             f'{cfg.size}')
    return cfg


def apply_seed_method(cfg, path):
    """``seed_method`` picks a ``seed_chains`` entry: its seeds, IR labels and random-walk
    preset become the pipeline's, and stages listed only by other chains join ``skip``."""
    chains = cfg.get('seed_chains') or {}
    if cfg.seed_method not in chains:
        raise PipelineError(f'{path}: seed_method {cfg.seed_method!r} is not a key of '
                            f'seed_chains ({", ".join(chains) or "none"})')
    chain = chains[cfg.seed_method]
    for key in ('seeds', 'ir_labels', 'rw_preset'):
        cfg[key] = chain[key]
    others = {s for method, c in chains.items() if method != cfg.seed_method
              for s in c['stages']} - set(chain['stages'])
    cfg.skip = list(cfg.get('skip', [])) + sorted(others - set(cfg.get('skip', [])))


def apply_calibration(cfg, path):
    """``thresholds='calibrated'``: the calibrated stages join the run before the first stage
    that reads ``{pseudo_labels}`` (DeepLab-v2; else at the end), DeepLab-v2 reads their
    pseudo labels, and the report gains its preset-vs-calibrated section."""
    names = [s['name'] for s in cfg.stages]
    if not {'irn', 'pseudo', 'pseudo_eval'} <= set(names):
        raise PipelineError(f"{path}: thresholds='calibrated' calibrates the IRN chain (stages "
                            'irn, pseudo, pseudo_eval), which this pipeline does not run')
    reads = [i for i, s in enumerate(cfg.stages) if any('{pseudo_labels}' in str(a)
                                                        for a in s['args'])]
    at = reads[0] if reads else len(cfg.stages)
    cfg.stages = list(cfg.stages[:at]) + list(cfg.calibrated_stages) + list(cfg.stages[at:])
    cfg.pseudo_labels = '{cal_pseudo.out}'
    cfg.report = dict(cfg.get('report', {}), calibration=cfg.calibration_report)


def check_pipeline(runner):
    """Every problem a run would meet at the start of a stage, found now: config files that
    do not exist, configs that do not build with the dataset (class counts, splits),
    ``--cfg-options`` keys the stage's config does not have. Returns a list of messages."""
    from ..datasets.config import load_config
    problems = []
    for position, stage in enumerate(runner.stages):
        if stage['name'] in runner.skip:
            continue
        try:
            args = runner._expand(stage['args'], stage['name'], position, stage_refs=False)
        except PipelineError as e:
            problems.append(str(e))
            continue
        configs = [a for a in args if a.endswith(('.py', '.yaml')) and not PLACEHOLDER.search(a)]
        missing = [c for c in configs if not osp.isfile(c)]
        problems += [f'stage {stage["name"]!r}: config not found: {c}' for c in missing]
        if missing or not configs:
            continue
        if configs[0].endswith('.yaml'):  # a Detectron2 config: its keys must exist
            from ..utils.d2_config import load_d2_config
            try:
                load_d2_config(configs[0])
            except Exception as e:  # noqa: BLE001
                problems.append(f'stage {stage["name"]!r}: {e}')
            continue
        dataset = _option(args, '--dataset')
        try:
            cfg = load_config(configs[0], dataset)
        except Exception as e:  # noqa: BLE001 - every build error is reported, none raised
            problems.append(f'stage {stage["name"]!r}: {configs[0]} does not build with '
                            f'{dataset or "its dataset"}: {e}')
            continue
        for entry in _cfg_options(args):
            key = entry.split('=', 1)[0]
            if not known_key(cfg, key):
                problems.append(f'stage {stage["name"]!r}: --cfg-options {key}: no such key in '
                                f'{configs[0]}')
    return problems


def known_key(cfg, key):
    """A key a ``--cfg-options`` entry may set: one the config has, ``load_from``/``resume``,
    or an option of a seed generator (``seed_generators.<method>.<argument>``)."""
    parts = key.split('.')
    if key in NEW_KEYS_ALLOWED or has_key(cfg, key):
        return True
    if len(parts) == 3 and parts[0] == 'seed_generators':
        import inspect

        import wsss_plugins  # noqa: F401 - registers the seed generators
        from ..registry import SEED_GENERATORS
        generators = {name.lower(): cls for name, cls in SEED_GENERATORS.module_dict.items()}
        cls = generators.get(parts[1])
        return cls is not None and parts[2] in inspect.signature(cls).parameters
    return False


def has_key(cfg, dotted):
    """Whether ``a.b.0.c`` names an existing entry (dicts and list indices)."""
    node = cfg
    for part in dotted.split('.'):
        if isinstance(node, (list, tuple)) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif hasattr(node, 'keys') and part in node:
            node = node[part]
        else:
            return False
    return True


def _option(args, flag):
    return args[args.index(flag) + 1] if flag in args[:-1] else None


def _cfg_options(args):
    """The ``key=value`` entries after ``--cfg-options`` (up to the next flag)."""
    entries, inside = [], False
    for arg in args:
        if arg.startswith('--'):
            inside = arg == '--cfg-options'
        elif inside and '=' in arg:
            entries.append(arg)
    return entries
