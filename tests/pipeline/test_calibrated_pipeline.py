"""Integration: the toy IRN pipeline with ``thresholds='calibrated'`` (its preset chain's
stages linked in from the session's toy pipeline; DeepLab-v2 skipped): the calibration
split, the three selections, IR labels / IRN / pseudo labels with the selected values, the
report's preset-vs-calibrated section — and the selection run again with the evaluation
split's ground truth deleted, choosing the same values (no leakage).
"""
import json
import os
import os.path as osp
import shutil
import subprocess
import sys

import pytest

from fixtures_pipeline import TOY_PIPELINE, read_json, run_sharing_stages

PRESET_STAGES = ['cam', 'cam_seeds', 'cam_eval', 'cam_ir', 'irn', 'pseudo', 'pseudo_eval']
PSEUDO_TOLERANCE = 0.02  # calibrated pseudo masks >= preset ones - 2 points (mIoU)


@pytest.fixture(scope='module')
def calibrated(toy_pipeline, toy_root, repo_root, tmp_path_factory):
    work_dir = str(tmp_path_factory.mktemp('pipeline_calibrated_toy'))
    return run_sharing_stages(toy_pipeline, toy_root, repo_root, work_dir, TOY_PIPELINE,
                              PRESET_STAGES, '--cfg-options', 'thresholds=calibrated',
                              "skip=['deeplab','deeplab_test']")


def test_calibrated_pseudo_masks_hold_up_against_the_presets(calibrated):
    stage = calibrated['stage']
    preset = read_json(osp.join(stage('pseudo_eval'), 'report.json'))['mIoU']
    tuned = read_json(osp.join(stage('cal_pseudo_eval'), 'report.json'))['mIoU']
    seeds = read_json(osp.join(stage('cal_seed_eval'), 'report.json'))
    print(f'toy: pseudo masks preset {100 * preset:.1f}, calibrated {100 * tuned:.1f}; seeds '
          f'preset {100 * seeds["protocol"]["mIoU"]:.1f}, calibrated '
          f'{100 * seeds["calibrated"]["mIoU"]:.1f}')
    assert tuned >= preset - PSEUDO_TOLERANCE
    selected = read_json(osp.join(stage('select_rw'), 'thresholds.json'))
    assert set(selected['selected']) == {'seed_threshold', 'conf_fg', 'conf_bg', 'ir_cam_power',
                                         'rw_bg_threshold', 'rw_cam_power'}
    assert selected['selected']['conf_fg'] > selected['selected']['seed_threshold'] > \
        selected['selected']['conf_bg']
    assert seeds['calibrated']['threshold'] == selected['selected']['seed_threshold']
    # the later stages used the selected values
    ir = read_json(osp.join(stage('cal_ir'), 'report.json'))
    assert (ir['conf_fg'], ir['conf_bg']) == (selected['selected']['conf_fg'],
                                              selected['selected']['conf_bg'])
    walk = read_json(osp.join(stage('cal_pseudo'), 'report.json'))
    assert (walk['bg_threshold'], walk['cam_power']) == (
        selected['selected']['rw_bg_threshold'], selected['selected']['rw_cam_power'])


def test_calibration_images_are_held_out_and_the_report_shows_both(calibrated, toy_root):
    stage, work_dir = calibrated['stage'], calibrated['work_dir']
    names = set(open(osp.join(stage('calibration'), 'calibration.txt')).read().split())
    reported = set()
    for split in ('train', 'val'):
        reported |= set(open(osp.join(toy_root, 'ImageSets', 'Segmentation',
                                      f'{split}.txt')).read().split())
    assert len(names) == 30 and not names & reported
    report = open(osp.join(work_dir, 'report.md')).read()
    section = report.split('## Thresholds: fixed presets vs calibrated')[1]
    row = next(line for line in section.splitlines() if line.startswith('| pseudo-mask mIoU'))
    preset = read_json(osp.join(stage('pseudo_eval'), 'report.json'))['mIoU']
    tuned = read_json(osp.join(stage('cal_pseudo_eval'), 'report.json'))['mIoU']
    assert row == f'| pseudo-mask mIoU (random walk) | {100 * preset:.1f} | {100 * tuned:.1f} |'
    assert '| random walk: background threshold | 0.25 |' in section
    for figure in ('select_seed/curve.png', 'select_ir/curve.png', 'select_rw/curve.png',
                   'figures/rw_robustness.png'):
        assert osp.isfile(osp.join(work_dir, figure)) and figure.split('/')[-1] in report
    robustness = read_json(osp.join(stage('rw_robustness'), 'curve.json'))
    assert robustness['split'] == 'train' and robustness['selected'] == {}
    assert len(robustness['mIoU']) == len(robustness['powers']) == 3


def test_selection_never_reads_the_evaluation_splits_ground_truth(calibrated, toy_root,
                                                                  repo_root, tmp_path):
    """The selection commands again on a copy of the toy set whose train (evaluation) and
    val label PNGs are deleted: they run, and choose exactly the pipeline's values."""
    root = str(tmp_path / 'toy')
    shutil.copytree(toy_root, root, symlinks=True)
    removed = 0
    for split in ('train', 'val'):
        for name in open(osp.join(root, 'ImageSets', 'Segmentation', f'{split}.txt')).read().split():
            for sub in ('SegmentationClass', 'SegmentationObject'):
                path = osp.join(root, sub, name + '.png')
                if osp.isfile(path):
                    os.remove(path)
                    removed += 1
    assert removed >= 90  # 30 train + 60 val label maps at least
    stage = calibrated['stage']
    env = dict(os.environ, WSSS_TOY_ROOT=root)
    dataset = osp.join('configs', '_base_', 'datasets', 'toy_voc.py')
    tool = [sys.executable, osp.join(repo_root, 'tools', 'select_thresholds.py')]
    out = tmp_path / 'select'
    seeds = ['--seeds', stage('cam_seeds'), '--calibration', str(out / 'split' / 'calibration.txt')]
    irn_config = osp.join('configs', 'irn', 'irn_toy.py')
    with open(osp.join(stage('cal_irn'), 'last_checkpoint')) as f:
        checkpoint = f.read().strip()
    for args in (['split', dataset, '--num-images', '30', '--out', str(out / 'split')],
                 ['seed', dataset, *seeds, '--out', str(out / 'seed')],
                 ['ir_label', dataset, *seeds, '--selected', str(out / 'seed' / 'thresholds.json'),
                  '--out', str(out / 'ir')],
                 ['random_walk', irn_config, checkpoint, '--dataset', dataset, *seeds,
                  '--selected', str(out / 'ir' / 'thresholds.json'), '--out', str(out / 'rw')]):
        proc = subprocess.run(tool + args, cwd=repo_root, env=env, capture_output=True,
                              text=True)
        assert proc.returncode == 0, proc.stderr[-3000:]
    with open(out / 'rw' / 'thresholds.json') as f:
        blind = json.load(f)['selected']
    assert blind == read_json(osp.join(stage('select_rw'), 'thresholds.json'))['selected']
    # the evaluation split's labels are really gone: its evaluation fails on this copy
    proc = subprocess.run([sys.executable, osp.join(repo_root, 'tools', 'eval_seeds.py'),
                           dataset, '--seeds', stage('cam_seeds')], cwd=repo_root, env=env,
                          capture_output=True, text=True)
    assert proc.returncode != 0 and 'SegmentationClass' in proc.stderr


def test_select_thresholds_help_documents_ranges_and_scores(repo_root):
    proc = subprocess.run([sys.executable, osp.join(repo_root, 'tools', 'select_thresholds.py'),
                           '--help'], cwd=repo_root, capture_output=True, text=True)
    assert proc.returncode == 0
    for text in ('0.05-0.60 step 0.01', 'seed mIoU on the calibration images',
                 't + 0.05..0.30', 'accuracy of the confident', 'coverage',
                 'pseudo-mask mIoU', '{1.0, 1.3, 1.5'):
        assert text in proc.stdout, text
