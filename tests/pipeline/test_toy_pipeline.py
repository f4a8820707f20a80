"""Integration: the shortened toy pipeline (configs/pipelines/cam_irn_toy.py, the IRN
pipeline: CAM → seeds → IR labels → IRN → random walk → DeepLab-v2 → test; run once by
tests/fixtures_pipeline.py through tools/run_pipeline.py) leaves every stage's output, a
report, and a DeepLab-v2 trained on its pseudo labels that segments toy val; a rerun skips
every stage and ``--from`` reruns the tail only.

Floor: DeepLab-v2 (toy config, 100 iterations) on this pipeline's pseudo labels measured 49.3
and 50.2 toy val mIoU in two sessions (CAM seeds 50.4 / 50.6 -> pseudo masks 59.7 / 59.4 on
toy train; a background-only model scores ~16) -> floor 45, a few points under.
"""
import json
import os
import os.path as osp

import numpy as np

from fixtures_pipeline import last_checkpoint, run_toy_pipeline

DEEPLAB_PSEUDO_FLOOR = 45.0
TRAIN_AUG, TRAIN = 300, 30


def _count(directory, suffix):
    return sum(f.endswith(suffix) for f in os.listdir(directory))


def _json(path):
    with open(path) as f:
        return json.load(f)


def test_every_stage_leaves_its_output(toy_pipeline):
    stage = toy_pipeline['stage']
    for name in ('cam', 'irn', 'deeplab'):
        assert osp.isfile(last_checkpoint(stage(name))), name
    assert _count(stage('cam_seeds'), '.npy') == TRAIN_AUG
    for name in ('cam_ir', 'pseudo'):
        assert _count(stage(name), '.png') == TRAIN_AUG, name
        assert _json(osp.join(stage(name), 'report.json'))['num_images'] == TRAIN_AUG
    report = _json(osp.join(stage('cam_eval'), 'report.json'))
    assert report['num_images'] == TRAIN and len(report['thresholds']) == 12
    assert _json(osp.join(stage('pseudo_eval'), 'report.json'))['num_images'] == TRAIN
    stages = sorted(n for n in os.listdir(toy_pipeline['work_dir']) if osp.isdir(stage(n)))
    assert stages == sorted(['cam', 'cam_seeds', 'cam_eval', 'cam_ir', 'irn', 'pseudo',
                             'pseudo_eval', 'deeplab', 'deeplab_test', 'figures'])
    for name in stages:
        if name != 'figures':
            assert osp.isfile(osp.join(stage(name), '.stage_done.json')), name


def test_deeplab_on_pseudo_labels_segments_toy_val(toy_pipeline):
    metrics = _json(osp.join(toy_pipeline['stage']('deeplab_test'), 'test_metrics.json'))
    print('DeepLab-v2 on pseudo labels, toy val mIoU', metrics['mIoU'])
    assert metrics['mIoU'] > DEEPLAB_PSEUDO_FLOOR


def test_report_table_and_figures(toy_pipeline):
    work_dir = toy_pipeline['work_dir']
    with open(osp.join(work_dir, 'report.md')) as f:
        report = f.read()
    pseudo = 100 * _json(osp.join(toy_pipeline['stage']('pseudo_eval'), 'report.json'))['mIoU']
    assert f'| pseudo-mask mIoU (random walk) | {pseudo:.1f} |' in report
    for figure in ('miou_vs_threshold.png', 'per_class_iou.png', 'overlays.png'):
        path = osp.join(work_dir, 'figures', figure)
        assert osp.getsize(path) > 5000 and f'figures/{figure}' in report
    # The printed table carries the same numbers.
    assert f'{pseudo:.1f}' in toy_pipeline['output']


def test_rerun_skips_every_stage_and_from_reruns_the_tail(toy_pipeline, repo_root, toy_root):
    work_dir = toy_pipeline['work_dir']
    done_before = {n: _json(osp.join(work_dir, n, '.stage_done.json'))['finished_at']
                   for n in os.listdir(work_dir) if osp.isfile(osp.join(work_dir, n,
                                                                        '.stage_done.json'))}
    proc, seconds = run_toy_pipeline(repo_root, toy_root, work_dir)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert proc.stdout.count('finished earlier, skipped') == len(done_before)
    assert seconds < 60, seconds
    proc, _ = run_toy_pipeline(repo_root, toy_root, work_dir, '--from', 'deeplab_test')
    assert proc.returncode == 0, proc.stdout[-3000:]
    after = {n: _json(osp.join(work_dir, n, '.stage_done.json'))['finished_at']
             for n in done_before}
    rerun = sorted(n for n in done_before if after[n] != done_before[n])
    assert rerun == ['deeplab_test']
    metrics = _json(osp.join(work_dir, 'deeplab_test', 'test_metrics.json'))
    assert np.isfinite(metrics['mIoU'])
