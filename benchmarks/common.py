"""What every benchmark script shares: threads, the machine line, and the results file.

Each script prints its table and, with ``--record``, stores it in ``benchmarks/results.json``
under its own name (machine, threads, date, rows); ``benchmarks/make_table.py`` renders that
file into ``benchmarks/README.md`` and the README's benchmark table.
"""
import datetime
import json
import os
import os.path as osp
import platform

RESULTS = osp.join(osp.dirname(osp.abspath(__file__)), 'results.json')


def add_common_args(parser, threads=1):
    parser.add_argument('--threads', type=int, default=threads,
                        help=f'torch threads (default {threads}; the comparisons are at equal threads)')
    parser.add_argument('--record', action='store_true',
                        help=f'store the rows in {osp.relpath(RESULTS)} for make_table.py')
    return parser


def machine(device='cpu'):
    """One line naming the hardware: CPU model and cores, or the GPU."""
    if str(device).startswith('cuda'):
        import torch
        return torch.cuda.get_device_name(device)
    model = platform.processor() or 'CPU'
    try:
        with open('/proc/cpuinfo') as f:
            model = next(line.split(':', 1)[1].strip() for line in f
                         if line.startswith('model name'))
    except (OSError, StopIteration):
        pass
    return f'{model}, {os.cpu_count()} cores'


def record(name, rows, threads, device='cpu', **meta):
    """Store ``rows`` (dicts: benchmark, reference, ours, ratio, max_abs_diff, ...) under
    ``name`` in the results file, replacing that name's previous entry."""
    results = {}
    if osp.exists(RESULTS):
        with open(RESULTS) as f:
            results = json.load(f)
    results[name] = dict(machine=machine(device), device=str(device), threads=threads,
                         date=datetime.date.today().isoformat(), rows=rows, **meta)
    tmp = RESULTS + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(results, f, indent=1, sort_keys=True)
    os.replace(tmp, RESULTS)
    print(f'recorded as {name!r} in {osp.relpath(RESULTS)}')


def print_table(header, rows):
    """Rows of strings under a header, columns right-aligned after the first."""
    widths = [max(len(str(r[i])) for r in [header] + rows) for i in range(len(header))]
    for r in [header] + rows:
        print('  '.join(str(c).ljust(w) if i == 0 else str(c).rjust(w)
                        for i, (c, w) in enumerate(zip(r, widths))))
