"""Stage skipping, invalidation, --from/--until and failure handling of the pipeline runner,
with stand-in tools (tiny scripts) so the behaviour is checked in milliseconds."""
import json
import os.path as osp
import textwrap

import pytest
from mmengine.config import Config

from wsss_plugins.pipeline import PipelineError, PipelineRunner

TOOL = textwrap.dedent('''
    import json, os, sys
    out = sys.argv[sys.argv.index('--out') + 1]
    os.makedirs(out, exist_ok=True)
    counter = os.path.join(out, 'runs.txt')
    n = int(open(counter).read()) + 1 if os.path.exists(counter) else 1
    open(counter, 'w').write(str(n))
    if '--fail' in sys.argv:
        sys.exit(3)
    inp = sys.argv[sys.argv.index('--in') + 1] if '--in' in sys.argv else None
    value = (json.load(open(os.path.join(inp, 'result.json')))['value'] if inp else 0) + 1
    json.dump({'value': value, 'mIoU': value / 10}, open(os.path.join(out, 'result.json'), 'w'))
''')


@pytest.fixture
def setup(tmp_path):
    tools = tmp_path / 'tools'
    tools.mkdir()
    (tools / 'step.py').write_text(TOOL)
    stage_cfg = tmp_path / 'stage_cfg.py'
    stage_cfg.write_text('x = 1\n')

    def make(extra_args=(), fail_stage=None):
        stages = []
        for i, name in enumerate(['a', 'b', 'c']):
            args = ['--out', '{out}']
            if i:
                args += ['--in', '{%s.out}' % ['a', 'b', 'c'][i - 1]]
            if name == 'b':
                args += [str(stage_cfg), *extra_args]
            if name == fail_stage:
                args.append('--fail')
            stages.append(dict(name=name, tool='step', args=args))
        cfg = Config(dict(work_dir=str(tmp_path / 'work'), stages=stages,
                          report=dict(table=[dict(label='C', file='{c.out}/result.json',
                                                  key='mIoU', scale=100)])))
        return PipelineRunner(cfg, tools_dir=str(tools), echo=False)
    return make, tmp_path, stage_cfg


def runs(tmp_path, name):
    path = tmp_path / 'work' / name / 'runs.txt'
    return int(path.read_text()) if path.exists() else 0


def test_runs_in_order_then_skips_finished_stages(setup):
    make, tmp, _ = setup
    summary = make().run()
    assert [s[:2] for s in summary] == [('a', 'ran'), ('b', 'ran'), ('c', 'ran')]
    assert json.load(open(tmp / 'work' / 'c' / 'result.json'))['value'] == 3
    summary = make().run()
    assert [s[1] for s in summary] == ['skipped'] * 3
    assert [runs(tmp, n) for n in 'abc'] == [1, 1, 1]


def test_changed_config_file_reruns_the_stage_and_its_dependants(setup):
    make, tmp, stage_cfg = setup
    make().run()
    stage_cfg.write_text('x = 2\n')  # the config file named by stage b changes
    summary = make().run()
    assert [s[1] for s in summary] == ['skipped', 'ran', 'ran']
    assert [runs(tmp, n) for n in 'abc'] == [1, 2, 2]


def test_changed_arguments_rerun(setup):
    make, tmp, _ = setup
    make().run()
    make(extra_args=['--lr', '0.1']).run()
    assert [runs(tmp, n) for n in 'abc'] == [1, 2, 2]


def test_from_reruns_the_tail_and_until_stops(setup):
    make, tmp, _ = setup
    make().run(until='b')
    assert [runs(tmp, n) for n in 'abc'] == [1, 1, 0]
    make().run(start='b')
    assert [runs(tmp, n) for n in 'abc'] == [1, 2, 1]
    with pytest.raises(PipelineError, match="--from 'zz': no such stage"):
        make().run(start='zz')


def test_failure_names_the_stage_and_keeps_finished_outputs(setup):
    make, tmp, _ = setup
    with pytest.raises(PipelineError, match=r"stage 'b' failed \(exit code 3\).*stage\.log"):
        make(fail_stage='b').run()
    assert osp.isfile(tmp / 'work' / 'a' / '.stage_done.json')
    assert not osp.isfile(tmp / 'work' / 'b' / '.stage_done.json')
    make().run()  # fixed: a is skipped, b and c run
    assert [runs(tmp, n) for n in 'abc'] == [1, 2, 1]


def test_report_table(setup):
    from wsss_plugins.pipeline.report import write_report
    make, tmp, _ = setup
    runner = make()
    assert '| C | – |' in write_report(runner.cfg, runner)  # before the run: a dash
    runner.run()
    table = write_report(runner.cfg, runner)
    assert '| C | 30.0 |' in table
    assert '| C | 30.0 |' in (tmp / 'work' / 'report.md').read_text()


def test_bad_placeholder_and_forward_reference(setup, tmp_path):
    cfg = Config(dict(work_dir=str(tmp_path / 'w'), stages=[
        dict(name='a', tool='step', args=['--out', '{out}', '--in', '{b.out}']),
        dict(name='b', tool='step', args=['--out', '{nope}'])]))
    runner = PipelineRunner(cfg, tools_dir=str(tmp_path / 'tools'), echo=False)
    with pytest.raises(PipelineError, match="reads {b}, which runs later"):
        runner.command(0)
    with pytest.raises(PipelineError, match=r'unknown placeholder \{nope\}'):
        runner.command(1)


def test_per_class_chart_shows_the_classes_present_in_the_split(tmp_path):
    from wsss_plugins.pipeline.report import write_report
    report = tmp_path / 'eval.json'
    report.write_text(json.dumps(dict(per_class=dict(
        background=dict(iou=0.9, gt_pixels=100), cat=dict(iou=0.5, gt_pixels=10),
        dog=dict(iou=None, gt_pixels=0)))))
    cfg = Config(dict(work_dir=str(tmp_path / 'w'), stages=[dict(name='a', tool='x', args=[])],
                      report=dict(per_class=[dict(label='seeds', file=str(report))])))
    runner = PipelineRunner(cfg, tools_dir=str(tmp_path), echo=False)
    write_report(cfg, runner)
    md = (tmp_path / 'w' / 'report.md').read_text()
    assert 'Classes present in the evaluated split: background, cat (2 of 3).' in md
    assert osp.getsize(tmp_path / 'w' / 'figures' / 'per_class_iou.png') > 5000


def test_detectron2_stages_get_a_work_dir_its_launcher_and_its_checkpoint_names(tmp_path):
    """A d2_train stage gets --work-dir like train/test, Detectron2's --num-gpus instead of
    torchrun, and {stage.checkpoint} resolves Detectron2's last_checkpoint (a file name in
    the stage dir) as well as mmengine's (a path)."""
    tools = tmp_path / 'tools'
    tools.mkdir()
    (tools / 'd2_train.py').write_text('')
    stages = [dict(name='det', tool='d2_train', args=['x.yaml']),
              dict(name='use', tool='d2_train',
                   args=['y.yaml', 'MODEL.WEIGHTS', '{det.checkpoint}'])]
    cfg = Config(dict(work_dir=str(tmp_path / 'work'), stages=stages))
    runner = PipelineRunner(cfg, tools_dir=str(tools), gpus=4, echo=False)
    det = tmp_path / 'work' / 'det'
    det.mkdir(parents=True)
    (det / 'last_checkpoint').write_text('model_final.pth')
    cmd = runner.command(1)
    assert cmd[1:4] == [str(tools / 'd2_train.py'), '--num-gpus', '4']
    assert cmd[-3:] == [str(det / 'model_final.pth'), '--work-dir',
                        str(tmp_path / 'work' / 'use')]
    (det / 'last_checkpoint').write_text(str(det / 'iter_600.pth'))  # mmengine: a path
    assert runner.checkpoint('det') == str(det / 'iter_600.pth')


def test_a_detectron2_yamls_base_counts_in_the_fingerprint(tmp_path):
    from wsss_plugins.pipeline.runner import _config_text
    (tmp_path / 'base.yaml').write_text('SEED: 0\n')
    (tmp_path / 'top.yaml').write_text('_BASE_: "base.yaml"\nMODEL:\n  MASK_ON: True\n')
    before = _config_text(str(tmp_path / 'top.yaml'))
    (tmp_path / 'base.yaml').write_text('SEED: 1\n')
    assert _config_text(str(tmp_path / 'top.yaml')) != before
