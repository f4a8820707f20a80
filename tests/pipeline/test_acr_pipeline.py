"""The ACR toy pipeline end to end (configs/pipelines/acr_toy.py) on the session's toy set,
reusing the IRN toy pipeline's CAM stages: ACR seeds beat the CAM seeds of the same backbone
at their best threshold and fall off less around it, and IR labels → IRN → random walk →
DeepLab-v2 run on them unchanged."""
import json
import os.path as osp

import pytest

from fixtures_pipeline import run_sharing_stages

PIPELINE = osp.join('configs', 'pipelines', 'acr_toy.py')
SHARED = ('cam', 'cam_seeds', 'cam_eval')
# measured (2 CPU cores, 5 toy epochs): best of the sweep ACR 53.2 vs CAM 50.6; mean drop from
# the best over the 0.05-0.60 sweep 4.3 vs 7.2 points; pseudo masks 67.5, DeepLab-v2 45.8
BEST_MARGIN = 0.5
FLATNESS_MARGIN = 1.5
PSEUDO_FLOOR = 62.0
DEEPLAB_FLOOR = 38.0


@pytest.fixture(scope='module')
def acr_run(toy_pipeline, toy_root, repo_root, tmp_path_factory):
    return run_sharing_stages(toy_pipeline, toy_root, repo_root,
                              str(tmp_path_factory.mktemp('pipeline_acr_toy')), PIPELINE, SHARED)


def _json(path):
    with open(path) as f:
        return json.load(f)


def curve(report, thresholds):
    """mIoU (points) at ``thresholds`` (the ACR evaluation adds its protocol's 0.00-0.09 to
    the pipeline's sweep)."""
    at = dict(zip(report['thresholds'], report['mIoU']))
    return [100 * at[t] for t in thresholds]


def test_acr_seeds_beat_the_cam_seeds_and_are_flatter(acr_run):
    assert acr_run['output'].count('finished earlier, skipped') == len(SHARED)
    cam = _json(osp.join(acr_run['stage']('cam_eval'), 'report.json'))
    acr = _json(osp.join(acr_run['stage']('acr_eval'), 'report.json'))
    sweep = cam['thresholds']  # 0.05-0.60
    assert len(sweep) >= 10 and set(sweep) <= set(acr['thresholds'])
    # flatness: the mean loss of the sweep's thresholds against the best (0 = flat)
    drop = {name: max(c) - sum(c) / len(c)
            for name, c in (('CAM', curve(cam, sweep)), ('ACR', curve(acr, sweep)))}
    print(f"toy seeds, best of the sweep: CAM {100 * cam['best']['mIoU']:.1f} at "
          f"{cam['best']['threshold']:g}, ACR {100 * acr['best']['mIoU']:.1f} at "
          f"{acr['best']['threshold']:g}; mean drop from the best over {sweep[0]:g}-"
          f"{sweep[-1]:g}: CAM {drop['CAM']:.1f}, ACR {drop['ACR']:.1f} points")
    assert acr['best']['mIoU'] > cam['best']['mIoU'] + BEST_MARGIN / 100
    assert drop['ACR'] < drop['CAM'] - FLATNESS_MARGIN
    assert acr['protocol']['rule'] == 'best of 0-0.09, GT-selected'


def test_the_label_chain_runs_on_acr_seeds_and_the_report_shows_it(acr_run):
    pseudo = _json(osp.join(acr_run['stage']('pseudo_eval'), 'report.json'))
    deeplab = _json(osp.join(acr_run['stage']('deeplab_test'), 'test_metrics.json'))
    print(f"toy ACR chain: pseudo-mask mIoU {100 * pseudo['mIoU']:.1f}, DeepLab-v2 val "
          f"{deeplab['mIoU']:.1f}")
    assert 100 * pseudo['mIoU'] > PSEUDO_FLOOR
    assert deeplab['mIoU'] > DEEPLAB_FLOOR
    with open(osp.join(acr_run['work_dir'], 'report.md')) as f:
        report = f.read()
    assert 'ACR seed mIoU, best of the sweep' in report and 'ACR reconstructions' in report
    for figure in ('figures/miou_vs_threshold.png', 'figures/overlays.png',
                   'acr_figure/reconstructions.png'):
        assert osp.isfile(osp.join(acr_run['work_dir'], figure)), figure
