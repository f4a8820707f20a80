"""The benchmark table: rendered from benchmarks/results.json, and both copies current."""
import importlib.util
import os.path as osp
import subprocess
import sys

BENCHMARKS = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'benchmarks')


def load_make_table():
    sys.path.insert(0, BENCHMARKS)  # make_table imports its sibling common.py
    try:
        spec = importlib.util.spec_from_file_location(
            'make_table', osp.join(BENCHMARKS, 'make_table.py'))
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(BENCHMARKS)
    return module


def test_rows_in_pass_order_with_their_machine():
    results = {
        'random walk': dict(machine='CPU X, 2 cores', device='cpu', threads=2, date='2026-12-02',
                            rows=[dict(benchmark='rw', reference=14.8, ours=0.25, ratio=59.2,
                                       max_abs_diff=3.3e-6)]),
        'CAM seeds': dict(machine='GPU Y', device='cuda', threads=1, date='2026-12-01',
                          rows=[dict(benchmark='cam', reference=0.5, ours=0.25, ratio=2.0,
                                     max_abs_diff=0)]),
    }
    lines = load_make_table().table(results).splitlines()
    assert lines[2] == '| cam | 0.5 | 0.25 | 2× | 0 | 1 | 2026-12-01¹ |'
    assert lines[3] == '| rw | 14.8 | 0.25 | 59.2× | 3.3e-06 | 2 | 2026-12-02² |'
    assert lines[-1] == '¹ GPU Y (cuda); ² CPU X, 2 cores (cpu)'


def test_readme_tables_are_current():
    proc = subprocess.run([sys.executable, osp.join(BENCHMARKS, 'make_table.py'),
                           '--check'], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
