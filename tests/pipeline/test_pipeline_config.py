"""``tools/run_pipeline.py --list`` checks a pipeline before anything runs: each stage's
config is built with the pipeline's dataset, and missing files, unknown keys, unknown
variables and class-count mismatches are all reported."""
import os
import os.path as osp
import subprocess
import sys

import pytest

from wsss_plugins.pipeline import PipelineError, PipelineRunner
from wsss_plugins.pipeline.config import check_pipeline, load_pipeline_config

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CAM_IRN = osp.join('configs', 'pipelines', 'cam_irn.py')


def list_pipeline(tmp_path, *options):
    return subprocess.run(
        [sys.executable, osp.join(REPO_ROOT, 'tools', 'run_pipeline.py'), CAM_IRN, '--list',
         '--work-dir', str(tmp_path / 'work'), *options], cwd=REPO_ROOT, capture_output=True,
        text=True, env=dict(os.environ, WSSS_TOY_ROOT=str(tmp_path / 'no_toy')))


def test_list_reports_a_missing_config_and_an_unknown_key_and_runs_nothing(tmp_path):
    ok = list_pipeline(tmp_path)
    assert ok.returncode == 0, ok.stderr[-2000:]
    assert 'size toy' in ok.stdout and ' 4 irn ' in ok.stdout
    bad = list_pipeline(tmp_path, '--cfg-options', 'configs.toy.irn=configs/irn/irn_nope.py',
                        "options.toy.deeplab=['model.decode_head.dropout_rate=0.1']")
    assert bad.returncode != 0
    assert "stage 'irn': config not found: configs/irn/irn_nope.py" in bad.stderr
    assert "stage 'pseudo': config not found: configs/irn/irn_nope.py" in bad.stderr
    assert ("stage 'deeplab': --cfg-options model.decode_head.dropout_rate: no such key in "
            'configs/deeplabv2/deeplabv2_toy_pseudo.py') in bad.stderr
    assert '3 problem(s) found; nothing was run' in bad.stderr
    assert not osp.exists(tmp_path / 'work' / 'cam')


def test_unknown_variables_and_sizes_are_named():
    with pytest.raises(PipelineError, match=r'unknown pipeline variable\(s\) cam_config \(did '
                                            r'you mean configs\?\)'):
        load_pipeline_config(osp.join(REPO_ROOT, CAM_IRN),
                             cfg_options={'cam_config': 'configs/cam/cam_toy.py'})
    with pytest.raises(PipelineError, match="size 'huge' has no `configs` entry; sizes: toy, "
                                            'full, full_coco14'):
        load_pipeline_config(osp.join(REPO_ROOT, CAM_IRN), size='huge')


def test_class_count_mismatch_is_a_problem_before_the_run(tmp_path, monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    cam = tmp_path / 'cam_4.py'
    cam.write_text(f"_base_ = '{osp.join(REPO_ROOT, 'configs', 'cam', 'cam_toy.py')}'\n"
                   'model = dict(num_classes=4)\n')
    cfg = load_pipeline_config(CAM_IRN, dataset='configs/_base_/datasets/voc12.py',
                               cfg_options={'configs.toy.cam': str(cam)})
    # Derived from the pipeline and the dataset: the configs of the size, the split roles.
    assert (cfg.irn_config, cfg.train_split, cfg.eval_split) == (
        'configs/irn/irn_toy.py', 'train_aug', 'train')
    assert cfg.work_dir == osp.join('work_dirs', 'pipeline_cam_irn_voc12_toy')
    problems = check_pipeline(PipelineRunner(cfg, work_dir=str(tmp_path), echo=False))
    assert any("stage 'cam'" in p and 'model.num_classes=4 (foreground classes)' in p
               for p in problems), problems


def test_seed_method_picks_a_seed_chain_and_skips_the_others(monkeypatch):
    monkeypatch.chdir(REPO_ROOT)
    pipeline = osp.join('configs', 'pipelines', 'irn_instances_toy.py')
    cam = load_pipeline_config(pipeline)
    assert (cam.seeds, cam.ir_labels, cam.rw_preset) == ('{cam_seeds.out}', '{cam_ir.out}',
                                                         'irn')
    assert cam.skip == ['advcam_ir', 'advcam_seeds', 'amn', 'amn_ir', 'amn_seeds']
    amn = load_pipeline_config(pipeline, cfg_options={'seed_method': 'amn'})
    assert (amn.seeds, amn.ir_labels, amn.rw_preset) == ('{amn_seeds.out}', '{amn_ir.out}',
                                                         'amn')
    assert amn.skip == ['advcam_ir', 'advcam_seeds']  # AMN trains on the CAM chain's labels
    advcam = load_pipeline_config(pipeline, cfg_options={'seed_method': 'advcam',
                                                         'skip': ['mask_rcnn_test']})
    assert advcam.skip == ['mask_rcnn_test', 'amn', 'amn_ir', 'amn_seeds', 'cam_ir',
                           'cam_seeds']
    runner = PipelineRunner(advcam, work_dir='unused', echo=False)
    position = runner.names.index('instances')
    args = runner._expand(runner.stages[position]['args'], 'instances', position,
                          stage_refs=False)
    assert args[args.index('--seeds') + 1] == '{advcam_seeds.out}'
    assert args[args.index('--preset') + 1] == 'advcam'
    with pytest.raises(PipelineError, match="seed_method 'wood' is not a key of seed_chains "
                                            r'\(cam, advcam, amn\)'):
        load_pipeline_config(pipeline, cfg_options={'seed_method': 'wood'})


def test_calibrated_thresholds_insert_their_stages_before_deeplab(monkeypatch):
    """thresholds='calibrated': the calibration stages run after the preset chain and before
    DeepLab-v2, which then reads the calibrated pseudo labels; every stage checks out on VOC
    (the AMN pipeline: its seeds and preset); a pipeline without the IRN chain is refused."""
    monkeypatch.chdir(REPO_ROOT)
    preset = load_pipeline_config(osp.join('configs', 'pipelines', 'amn_voc.py'))
    cfg = load_pipeline_config(osp.join('configs', 'pipelines', 'amn_voc.py'),
                               cfg_options={'thresholds': 'calibrated'})
    names = [s['name'] for s in cfg.stages]
    calibrated = [s['name'] for s in cfg.calibrated_stages]
    at = names.index('calibration')
    assert names[:at] == [s['name'] for s in preset.stages][:at] and names[at - 1] == 'pseudo_eval'
    assert names[at:] == calibrated + ['deeplab', 'deeplab_test', 'deeplab_gt', 'deeplab_gt_test']
    assert len(calibrated) == 10 and cfg.calibration_images == 100
    runner = PipelineRunner(cfg, work_dir='unused', echo=False)
    assert check_pipeline(runner) == []
    expand = lambda name: runner._expand(  # noqa: E731
        runner.stages[names.index(name)]['args'], name, names.index(name), stage_refs=False)
    assert 'train_dataloader.dataset.data_prefix.seg_map_path={cal_pseudo.out}' in \
        expand('deeplab')
    select = expand('select_ir')
    assert select[select.index('--seeds') + 1] == '{amn_seeds.out}'
    assert select[select.index('--protocol') + 1] == 'amn'
    assert expand('calibration')[:4] == ['split', cfg.dataset, '--num-images', '100']
    assert 'calibration' in cfg.report and 'calibration' not in preset.report
    with pytest.raises(PipelineError, match="thresholds='calibrated' calibrates the IRN chain"):
        load_pipeline_config(osp.join('configs', 'pipelines', 'bbam_voc.py'),
                             cfg_options={'thresholds': 'calibrated'})
    with pytest.raises(PipelineError, match="thresholds must be 'preset' or 'calibrated'"):
        load_pipeline_config(CAM_IRN, cfg_options={'thresholds': 'tuned'})
