"""``<work_dir>/report.md``: the results table and figures of a pipeline run.

Driven by the pipeline config's ``report`` dict (paths take the same placeholders
as stage arguments)::

    report = dict(
        table=[dict(label='CAM seed mIoU', file='{cam_eval.out}/report.json',
                    key='best.mIoU', scale=100), ...],
        curves=[dict(label='CAM', file='{cam_eval.out}/report.json'), ...],
        per_class=[dict(label='CAM seeds', file='{cam_eval.out}/report.json',
                        key='best.per_class'), ...],
        overlays=dict(dataset='{dataset}', split='{eval_split}', num_images=4,  # or a list
                      title='Seeds and pseudo labels on training images',
                      columns=[dict(label='CAM', seeds='{cam_seeds.out}',
                                    evaluation='{cam_eval.out}/report.json'),
                               dict(label='pseudo', labels='{pseudo.out}'),
                               dict(label='BBAM maps', bbam='{bbam.out}'),
                               dict(label='instances', instances='{instances.out}')]),
        figures=[dict(title='ACR reconstructions', file='{acr_figure.out}/reconstructions.png',
                      caption='text under the title')])

Seed overlays threshold at the evaluation's GT-selected best (``evaluation``; or a fixed
``threshold``); BBAM columns show every box's map (max over the boxes) as a heat map with
the boxes drawn; instance columns draw each detection of an instance pass in its own colour;
per-class charts show the classes present in the evaluated split.

Missing inputs (stages not run yet) leave a dash in the table and skip a figure,
so a report is written after every run, also a failed one.
"""
import json
import os
import os.path as osp

import numpy as np

from ..utils.io import atomic_save_figure, atomic_write


def _lookup(data, key):
    for part in key.split('.'):
        if not isinstance(data, dict) or part not in data:
            return None
        data = data[part]
    return data


def _load(runner, path_template):
    try:
        path = runner._resolve(path_template, '_report', len(runner.names))
    except Exception:
        return None, None
    if not osp.isfile(path):
        return path, None
    with open(path) as f:
        return path, json.load(f)


def write_report(cfg, runner):
    """Write report.md (+ PNG figures) into the work dir; returns the table as text."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    spec = cfg.get('report', {})
    fig_dir = osp.join(runner.work_dir, 'figures')
    os.makedirs(fig_dir, exist_ok=True)
    lines = ['| result | value (%) | source |', '| --- | ---: | --- |']
    rows = [r for entry in spec.get('table', [])  # an entry may be a list of rows
            for r in (entry if isinstance(entry, (list, tuple)) else [entry])]
    for row in rows:
        path, data = _load(runner, row['file'])
        value = _lookup(data, row.get('key', 'mIoU')) if data is not None else None
        shown = '–' if value is None else f'{float(value) * row.get("scale", 1):.1f}'
        source = osp.relpath(path, runner.work_dir) if path else '–'
        label = row['label']
        if data is not None and row.get('key', '').startswith('protocol.'):
            ref = data['protocol']  # the rule as eval_seeds applied it
            picked = '' if ref['rule'].startswith('fixed') else f': {ref["threshold"]:g}'
            label += f' ({ref["rule"]}{picked})'
        elif data is not None and row.get('key', '').startswith('best.'):
            label += f' (GT-selected threshold {data["best"]["threshold"]:g})'
        lines.append(f'| {label} | {shown} | `{source}` |')
    table = '\n'.join(lines)
    md = [f'# Pipeline report: {osp.basename(cfg.filename or "")}', '', table, '']

    stage_rows = ['| stage | tool | status | seconds |', '| --- | --- | --- | ---: |']
    for stage in runner.stages:
        done = runner.done_record(stage['name'])
        status, seconds = ('done', f'{done["seconds"]:.0f}') if done else ('not run', '–')
        stage_rows.append(f'| {stage["name"]} | {stage["tool"]} | {status} | {seconds} |')
    md += ['## Stages', '', *stage_rows, '']

    curves = [(c['label'], _load(runner, c['file'])[1]) for c in spec.get('curves', [])]
    curves = [(label, d) for label, d in curves if d and len(d.get('thresholds', [])) > 1]
    if curves:
        fig, ax = plt.subplots(figsize=(5.5, 3.8))
        for label, d in curves:
            ax.plot(d['thresholds'], [100 * v for v in d['mIoU']], marker='o', label=label)
        ax.set_xlabel('background threshold')
        ax.set_ylabel('seed mIoU (%)')
        ax.set_title('Seed mIoU against the background threshold')
        ax.grid(alpha=0.3)
        ax.legend()
        fig.tight_layout()
        atomic_save_figure(fig, osp.join(fig_dir, 'miou_vs_threshold.png'), dpi=100)
        plt.close(fig)
        md += ['## Seed mIoU against the background threshold', '',
               '![mIoU vs threshold](figures/miou_vs_threshold.png)', '']

    bars = []
    for entry in spec.get('per_class', []):
        data = _load(runner, entry['file'])[1]
        per_class = _lookup(data, entry.get('key', 'per_class')) if data else None
        if per_class:
            bars.append((entry['label'], per_class))
    if bars:
        # Classes present in the evaluated split (reports without pixel counts: all).
        names = [n for n, m in bars[0][1].items() if m.get('gt_pixels', 1) > 0]
        fig, ax = plt.subplots(figsize=(max(5.5, 0.5 * len(names) * len(bars)), 3.8))
        width = 0.8 / len(bars)
        for i, (label, per_class) in enumerate(bars):
            iou = [100 * (per_class.get(n, {}).get('iou') or 0) for n in names]
            ax.bar(np.arange(len(names)) + i * width, iou, width, label=label)
        ax.set_xticks(np.arange(len(names)) + 0.4 - width / 2)
        ax.set_xticklabels(names, rotation=45 if len(names) > 8 else 0, ha='right'
                           if len(names) > 8 else 'center')
        ax.set_ylabel('IoU (%)')
        ax.set_title('Per-class IoU')
        ax.legend(fontsize=8)
        fig.tight_layout()
        atomic_save_figure(fig, osp.join(fig_dir, 'per_class_iou.png'), dpi=100)
        plt.close(fig)
        md += ['## Per-class IoU', '', f'Classes present in the evaluated split: '
               f'{", ".join(names)} ({len(names)} of {len(bars[0][1])}).', '',
               '![per-class IoU](figures/per_class_iou.png)', '']

    overlays = spec.get('overlays') or []
    for i, overlay in enumerate(overlays if isinstance(overlays, (list, tuple)) else [overlays]):
        figure = 'overlays.png' if i == 0 else f'overlays_{i + 1}.png'
        caption = _write_overlays(runner, overlay, osp.join(fig_dir, figure))
        if caption:
            title = overlay.get('title', 'Seeds and pseudo labels on training images')
            md += [f'## {title}', '', caption, '', f'![overlays](figures/{figure})', '']

    if spec.get('calibration'):
        md += _calibration_section(runner, spec['calibration'], fig_dir)

    for entry in spec.get('figures', []):  # PNGs a stage drew (e.g. ACR's reconstructions)
        try:
            path = runner._resolve(entry['file'], '_report', len(runner.names))
        except Exception:
            continue
        if osp.isfile(path):
            md += [f'## {entry["title"]}', '', entry.get('caption', ''), '',
                   f'![{entry["title"]}]({osp.relpath(path, runner.work_dir)})', '']

    with atomic_write(osp.join(runner.work_dir, 'report.md'), 'w') as f:
        f.write('\n'.join(md))
    return table


THRESHOLD_NAMES = dict(seed_threshold='seed background threshold',
                       conf_fg='IR labels: conf_fg', conf_bg='IR labels: conf_bg',
                       rw_bg_threshold='random walk: background threshold',
                       rw_cam_power='random walk: CAM power')


def _calibration_section(runner, spec, fig_dir):
    """Preset vs calibrated results side by side, the selected values, the selection curves
    and the robustness figure (pseudo-mask mIoU against the random-walk threshold)."""
    md = ['## Thresholds: fixed presets vs calibrated', '',
          'Calibrated values are chosen on the calibration split only '
          '(`tools/select_thresholds.py`); both columns are scored on the same images '
          '(seeds, pseudo masks: the evaluation split; IR labels: the training split).', '',
          '| result | preset (%) | calibrated (%) |', '| --- | ---: | ---: |']
    for row in spec['results']:
        cells = []
        for side in ('preset', 'calibrated'):
            data = _load(runner, row[side][0])[1]
            value = _lookup(data, row[side][1]) if data is not None else None
            cells.append('–' if value is None else f'{100 * float(value):.1f}')
        md.append(f'| {row["label"]} | {cells[0]} | {cells[1]} |')
    selection = _load(runner, spec['thresholds'])[1]
    if selection:
        md += ['', f'Selected on `{osp.relpath(selection["calibration"], runner.work_dir)}` '
               f'(protocol {selection["protocol"]}):', '',
               '| threshold | preset | calibrated |', '| --- | ---: | ---: |']
        md += [f'| {label} | {selection["preset"][key]:g} | {selection["selected"][key]:g} |'
               for key, label in THRESHOLD_NAMES.items() if key in selection['selected']]
    curves = []
    for template in spec.get('curves', []):
        try:
            path = runner._resolve(template, '_report', len(runner.names))
        except Exception:
            continue
        if osp.isfile(path):
            curves.append(osp.relpath(path, runner.work_dir))
    if curves:
        md += ['', 'Selection curves (calibration split):', '']
        md += [f'![selection curve]({c})' for c in curves]
    robust = {k: _load(runner, v)[1] for k, v in spec.get('robustness', {}).items()}
    if robust.get('calibration') and robust.get('evaluation'):
        _plot_robustness(robust, osp.join(fig_dir, 'rw_robustness.png'))
        md += ['', '### Pseudo-mask mIoU against the random-walk threshold', '',
               'AMN Fig. 6 extended to the masks: the calibration split (where the threshold '
               'is chosen) beside the evaluation split, at the selected CAM power.', '',
               '![robustness](figures/rw_robustness.png)']
    return md + ['']


def _plot_robustness(curves, path):
    import matplotlib.pyplot as plt
    chosen = curves['calibration']['selected']
    preset = curves['calibration']['preset']
    fig, ax = plt.subplots(figsize=(5.5, 3.8))
    for (name, curve), color in zip(curves.items(), ('C0', 'C1')):
        for power, style in ((chosen['rw_cam_power'], '-'), (preset['rw_cam_power'], '--')):
            if power in curve['powers']:
                ax.plot(curve['thresholds'],
                        [100 * v for v in curve['mIoU'][curve['powers'].index(power)]],
                        style, color=color, label=f'{name} split, power {power:g}')
            if chosen['rw_cam_power'] == preset['rw_cam_power']:
                break
    ax.axvline(preset['rw_bg_threshold'], color='grey', ls='--', lw=1, label='preset')
    ax.axvline(chosen['rw_bg_threshold'], color='C3', ls=':', lw=1.5, label='selected')
    ax.set(xlabel='random-walk background threshold', ylabel='pseudo-mask mIoU (%)',
           title='Pseudo masks against the random-walk threshold')
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    atomic_save_figure(fig, path, dpi=100)
    plt.close(fig)


def _write_overlays(runner, spec, path):
    """Rows = images; columns = image, ground truth, then each method's labels. Returns the
    caption (split, seed thresholds), or None when there is nothing to show."""
    import matplotlib.pyplot as plt
    from PIL import Image

    from ..apis.bbam_pass import bbam_path, heatmap_panel, load_bbam
    from ..apis.instance_pass import detection_path, instance_panel, load_detections
    from ..datasets import build_split_dataset, load_config
    from ..utils.seed_io import load_seed, seed_path, seed_to_label

    columns = []
    for col in spec['columns']:
        key = next((k for k in ('seeds', 'bbam', 'instances', 'labels') if k in col), None)
        if key is None:
            raise ValueError(f'report overlay column {col}: needs `seeds`, `bbam`, `instances` '
                             'or `labels`')
        try:
            directory = runner._resolve(col[key], '_report', len(runner.names))
        except Exception:
            continue
        if osp.isdir(directory):
            threshold = col.get('threshold', 0.15)
            if 'evaluation' in col:  # the threshold the evaluation selected
                evaluation = _load(runner, col['evaluation'])[1]
                if evaluation is None:
                    continue
                threshold = evaluation['best']['threshold']
            columns.append((dict(col, threshold=threshold), key, directory))
    if not columns:
        return None
    resolve = lambda text: runner._resolve(text, '_report', len(runner.names))  # noqa: E731
    cfg = load_config(resolve(spec['dataset']))
    dataset = build_split_dataset(cfg, resolve(spec.get('split', 'eval_split')),
                                  seg_map_path='gt')
    palette = np.array(dataset.metainfo['palette'] + [[255, 255, 255]] * 256, np.uint8)[:256]
    palette[255] = (255, 255, 255)
    n = min(spec.get('num_images', 4), len(dataset))
    fig, axes = plt.subplots(n, 2 + len(columns), figsize=(2.2 * (2 + len(columns)), 2 * n),
                             squeeze=False)
    for row in range(n):
        info = dataset.get_data_info(row)
        name = osp.splitext(osp.basename(info['img_path']))[0]
        img = np.asarray(Image.open(info['img_path']).convert('RGB'))
        gt = np.asarray(Image.open(info['seg_map_path']))
        panels = [('image', img), ('ground truth', palette[gt])]
        for col, key, directory in columns:
            try:
                if key == 'bbam':
                    data = load_bbam(bbam_path(directory, name))
                    panels.append((col['label'], heatmap_panel(img, data['boxes'],
                                                               data['masks'])))
                    continue
                if key == 'instances':
                    panels.append((col['label'], instance_panel(
                        img, load_detections(detection_path(directory, name)))))
                    continue
                if key == 'seeds':
                    label = seed_to_label(load_seed(seed_path(directory, name)),
                                          col['threshold'], power=col.get('power', 1.0))
                else:
                    label = np.asarray(Image.open(osp.join(directory, f'{name}.png')))
                title = col['label'] + (f' @ {col["threshold"]:g}' if key == 'seeds' else '')
                panels.append((title, (0.5 * img + 0.5 * palette[label]).astype(np.uint8)))
            except (OSError, ValueError):
                panels.append((col['label'], np.zeros_like(img)))
        for ax, (title, panel) in zip(axes[row], panels):
            ax.imshow(panel)
            ax.set_axis_off()
            if row == 0:
                ax.set_title(title, fontsize=9)
    fig.tight_layout()
    atomic_save_figure(fig, path, dpi=100)
    plt.close(fig)
    seeds = [f'{col["label"]} {col["threshold"]:g}' for col, key, _ in columns if key == 'seeds']
    return (f'{n} images of {dataset.ann_file}' + (
        f'; seeds at the background threshold their evaluation selected: {", ".join(seeds)}.'
        if seeds else '.'))

