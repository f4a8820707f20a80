"""Render ``benchmarks/results.json`` (the scripts' ``--record``) as the benchmark table of
``benchmarks/README.md`` and of the README (between their ``<!-- benchmarks -->`` markers).

    python benchmarks/make_table.py [--check]

``--check`` only reports whether both tables are current (exit status 1 when not).
"""
import argparse
import json
import os
import os.path as osp
import sys

from common import RESULTS

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
TARGETS = [osp.join(ROOT, 'benchmarks', 'README.md'), osp.join(ROOT, 'README.md')]
BEGIN, END = '<!-- benchmarks:begin -->', '<!-- benchmarks:end -->'
ORDER = ['CAM seeds', 'AdvCAM seeds', 'AMN seeds', 'IR labels', 'random walk',
         'IRN instance pass', 'BBAM']


def _number(v):
    if v is None:
        return ''
    if isinstance(v, float) and v != 0 and (abs(v) < 1e-2 or abs(v) >= 1e5):
        return f'{v:.1e}'
    return f'{v:g}' if isinstance(v, float) else str(v)


def table(results):
    def rank(name):
        return next((i for i, prefix in enumerate(ORDER) if name.startswith(prefix)), len(ORDER))

    lines = ['| benchmark | reference | ours | ratio | max abs difference | threads | date |',
             '| --- | ---: | ---: | ---: | ---: | ---: | --- |']
    machines = []
    for name in sorted(results, key=lambda n: (rank(n), n)):
        entry = results[name]
        machine = f'{entry["machine"]} ({entry["device"]})'
        if machine not in machines:
            machines.append(machine)
        mark = '¹²³⁴'[machines.index(machine)] if len(machines) <= 4 else ''
        for row in entry['rows']:
            lines.append(f'| {row["benchmark"]} | {_number(row["reference"])} | '
                         f'{_number(row["ours"])} | {_number(row["ratio"])}× | '
                         f'{_number(row.get("max_abs_diff"))} | {entry["threads"]} | '
                         f'{entry["date"]}{mark} |')
    lines += ['', '; '.join(f'{"¹²³⁴"[i]} {m}' for i, m in enumerate(machines))]
    return '\n'.join(lines)


def render(path, body):
    with open(path) as f:
        text = f.read()
    if BEGIN not in text or END not in text:
        raise SystemExit(f'{path}: no {BEGIN} ... {END} markers')
    head, rest = text.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    return f'{head}{BEGIN}\n{body}\n{END}{tail}'


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--check', action='store_true')
    args = parser.parse_args()
    with open(RESULTS) as f:
        body = table(json.load(f))
    stale = []
    for path in TARGETS:
        new = render(path, body)
        with open(path) as f:
            if f.read() == new:
                continue
        stale.append(path)
        if not args.check:
            with open(path + '.tmp', 'w') as f:
                f.write(new)
            os.replace(path + '.tmp', path)
    for path in stale:
        print(f'{osp.relpath(path, ROOT)}: {"stale" if args.check else "updated"}')
    sys.exit(1 if args.check and stale else 0)


if __name__ == '__main__':
    main()
