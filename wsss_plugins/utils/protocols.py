"""The one table of per-method protocols (methods.md §0–§4, §7, §11), read by
``tools/eval_seeds.py`` (``--protocol``), ``tools/make_ir_labels.py`` and
``tools/make_pseudo_labels.py`` (``--preset``) and the pipeline reports.

* ``seed_thresholds``: the seed evaluation rule of the reference: one value = a fixed
  background threshold; several = the reference sweeps them and reports the best one,
  selected **with the ground truth** (AdvCAM 0.15–0.34, W-OoD 0.08–0.14 step 0.01).
* ``ir_label``: the two CRF background constants (``conf_fg``, ``conf_bg``) and the power
  the maps are raised to first.
* ``random_walk``: ``cam_power`` before the walk and the background threshold of its
  output (``bg_threshold``).

Reports show the number under this rule **and** the best of a wider sweep, labelled as
such, so a VOC report row compares with methods.md §8.
"""


def _range(start, stop, step):
    n = int(round((stop - start) / step)) + 1
    return tuple(round(start + i * step, 6) for i in range(n))


PROTOCOLS = dict(
    # IRN run_sample.py: cam_eval_thres 0.15; conf_fg/bg 0.30/0.05; sem_seg_bg_thres 0.25.
    irn=dict(seed_thresholds=(0.15, ),
             ir_label=dict(conf_fg=0.30, conf_bg=0.05, cam_power=1.0),
             random_walk=dict(cam_power=1.0, bg_threshold=0.25)),
    # AdvCAM: best of 0.15..0.34; conf 0.35/0.15; cam^1.5 before the walk.
    advcam=dict(seed_thresholds=_range(0.15, 0.34, 0.01),
                ir_label=dict(conf_fg=0.35, conf_bg=0.15, cam_power=1.0),
                random_walk=dict(cam_power=1.5, bg_threshold=0.25)),
    # AMN: fixed 0.25 on its bg-dropped maps; conf 0.45/0.15; cam^1.3; COCO walk bg 0.22.
    amn=dict(seed_thresholds=(0.25, ),
             ir_label=dict(conf_fg=0.45, conf_bg=0.15, cam_power=1.0),
             random_walk=dict(cam_power=1.3, bg_threshold=0.25)),
    amn_coco=dict(seed_thresholds=(0.25, ),
                  ir_label=dict(conf_fg=0.45, conf_bg=0.15, cam_power=1.0),
                  random_walk=dict(cam_power=1.3, bg_threshold=0.22)),
    # W-OoD: best of 0.08..0.14; conf 0.30/0.15; cam^1.5, walk bg 0.22.
    wood=dict(seed_thresholds=_range(0.08, 0.14, 0.01),
              ir_label=dict(conf_fg=0.30, conf_bg=0.15, cam_power=1.0),
              random_walk=dict(cam_power=1.5, bg_threshold=0.22)),
    # ACR: its evaluation.py sweeps 0.00..0.09 (training-time eval_in_script: 0.15..0.34);
    # the repository has no IR-label or random-walk step (it points to RIB, IRN-based):
    # IRN's values.
    acr=dict(seed_thresholds=_range(0.0, 0.09, 0.01),
             ir_label=dict(conf_fg=0.30, conf_bg=0.05, cam_power=1.0),
             random_walk=dict(cam_power=1.0, bg_threshold=0.25)),
)


def protocol(name):
    """The protocol ``name``; an unknown name is an error listing the known ones."""
    if name not in PROTOCOLS:
        raise KeyError(f'unknown protocol {name!r}; known: {", ".join(sorted(PROTOCOLS))}')
    return PROTOCOLS[name]


def describe_seed_rule(name):
    """``'fixed 0.15'`` or ``'best of 0.15-0.34, GT-selected'``."""
    thresholds = protocol(name)['seed_thresholds']
    if len(thresholds) == 1:
        return f'fixed {thresholds[0]:g}'
    return f'best of {thresholds[0]:g}-{thresholds[-1]:g}, GT-selected'


def presets_help(section):
    """One help line of every protocol's ``section`` values, from the table itself."""
    return '; '.join(f'{name} ' + '/'.join(f'{v:g}' for v in PROTOCOLS[name][section].values())
                     for name in sorted(PROTOCOLS)) + f' ({", ".join(PROTOCOLS["irn"][section])})'


#: What each reader takes from a ``thresholds.json`` (tools/select_thresholds.py):
#: {tool parameter: selected key}.
SELECTED_KEYS = dict(seed=dict(threshold='seed_threshold'),
                     ir_label=dict(conf_fg='conf_fg', conf_bg='conf_bg',
                                   cam_power='ir_cam_power'),
                     random_walk=dict(bg_threshold='rw_bg_threshold',
                                      cam_power='rw_cam_power'))


def read_selected(path, section):
    """The values ``section`` (``seed``, ``ir_label``, ``random_walk``) takes from a
    ``thresholds.json``, under the tool's parameter names; a file without them is an error
    naming the missing keys and the selection that writes them."""
    import json
    import os.path as osp
    if not osp.isfile(path):
        raise FileNotFoundError(f'thresholds file not found: {path}')
    with open(path) as f:
        selected = json.load(f).get('selected', {})
    wanted = SELECTED_KEYS[section]
    missing = [key for key in wanted.values() if key not in selected]
    if missing:
        raise KeyError(f'{path} has no selected {", ".join(missing)}: run tools/'
                       f'select_thresholds.py {section} first')
    return {param: selected[key] for param, key in wanted.items()}
