"""Run a WSSS pipeline: an ordered list of stages, each one call of a package tool.

A pipeline config (``configs/pipelines/*.py``; its variables: ``pipeline/config.py``)
holds::

    dataset = 'configs/_base_/datasets/voc12.py'
    stages = [
        dict(name='cam', tool='train', args=['{cam_config}', '--dataset', '{dataset}']),
        dict(name='cam_seeds', tool='make_seeds',
             args=['{cam_config}', '{cam.checkpoint}', '--method', 'cam', '--out', '{out}',
                   '--dataset', '{dataset}']),
        ...
    ]
    report = dict(table=[dict(label='CAM seed mIoU', file='{cam_eval.out}/report.json',
                              key='protocol.mIoU', scale=100), ...], ...)

``tool`` names a script in ``tools/``; ``args`` are its command line, with
placeholders ``{out}`` (this stage's directory ``work_dir/<name>``),
``{<stage>.out}`` and ``{<stage>.checkpoint}`` (the last checkpoint a ``train``
stage wrote), and any top-level string variable of the config (``{dataset}``), so
one stage library (``configs/pipelines/_base_/stages.py``) serves every dataset.
Stages named in the top-level ``skip`` list are not run.
``train`` and ``test`` stages get ``--work-dir {out}`` automatically.

A finished stage leaves ``<out>/.stage_done.json`` with a fingerprint of its
command (stage directories relative to the work dir), the content of the config files
it names and the completion times of the stages it reads; it is skipped while that fingerprint holds, so a rerun
skips every finished stage and a changed config or input reruns what depends on
it.  A failing stage stops the run with its name and log; finished outputs stay.
Multi-GPU: with ``gpus > 1``, the training, test and per-image pass stages (seeds, IR
labels, pseudo labels) run under torchrun with ``--launcher pytorch`` (MMEngine's launcher,
no scheduler of ours).
"""
import hashlib
import json
import os
import os.path as osp
import re
import subprocess
import sys
import time

from ..utils.io import atomic_write

PLACEHOLDER = re.compile(r'\{([A-Za-z_][\w]*)(?:\.(out|checkpoint))?\}')
DISTRIBUTED_TOOLS = ('train', 'test', 'make_seeds', 'make_ir_labels', 'make_pseudo_labels',
                     'make_instance_labels')
DONE_FILE = '.stage_done.json'


class PipelineError(RuntimeError):
    pass


class PipelineRunner:

    def __init__(self, cfg, work_dir=None, tools_dir=None, gpus=1, python=None, echo=True):
        self.cfg = cfg
        work_dir = work_dir or cfg.get('work_dir')
        if not work_dir:
            raise PipelineError('pipeline config sets no work_dir')
        # Absolute: datasets join relative label directories with their data_root.
        self.work_dir = osp.abspath(work_dir)
        self.stages = list(cfg.get('stages', []))
        if not self.stages:
            raise PipelineError(f'{cfg.filename}: `stages` is empty')
        names = [s.get('name') for s in self.stages]
        for i, stage in enumerate(self.stages):
            for key in ('name', 'tool', 'args'):
                if key not in stage:
                    raise PipelineError(f'{cfg.filename}: stage #{i} has no `{key}`')
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise PipelineError(f'{cfg.filename}: duplicate stage names {sorted(dup)}')
        self.names = names
        self.skip = set(cfg.get('skip', []))
        unknown = self.skip - set(names)
        if unknown:
            raise PipelineError(f'{cfg.filename}: `skip` names unknown stages {sorted(unknown)}')
        for stage in self.stages:
            needs = set(self.upstream(stage)) & self.skip
            if stage['name'] not in self.skip and needs:
                raise PipelineError(f'stage {stage["name"]!r} reads skipped stage(s) '
                                    f'{sorted(needs)}')
        self.tools_dir = tools_dir or osp.join(osp.dirname(osp.dirname(osp.dirname(
            osp.abspath(__file__)))), 'tools')
        self.gpus = gpus
        self.python = python or sys.executable
        self.echo = echo

    # Paths and placeholders ---------------------------------------------------------------
    def stage_dir(self, name):
        return osp.join(self.work_dir, name)

    def checkpoint(self, name):
        pointer = osp.join(self.stage_dir(name), 'last_checkpoint')
        if not osp.isfile(pointer):
            raise PipelineError(f'stage {name!r} has no checkpoint ({pointer} missing)')
        with open(pointer) as f:  # mmengine writes a path, Detectron2 a name in the dir
            return osp.join(self.stage_dir(name), f.read().strip())

    def _resolve(self, text, stage_name, position, stage_refs=True):
        """Fill placeholders; with ``stage_refs=False`` references to other stages stay as
        written (their changes enter fingerprints through completion times)."""
        def sub(match):
            key, attr = match.group(1), match.group(2)
            if key == 'out' and attr is None:
                return self.stage_dir(stage_name)
            if key in self.names:
                if not stage_refs:
                    return match.group(0)
                if self.names.index(key) >= position:
                    raise PipelineError(f'stage {stage_name!r} reads {{{key}}}, which runs '
                                        'later or is itself')
                return self.checkpoint(key) if attr == 'checkpoint' else self.stage_dir(key)
            value = self.cfg.get(key)
            if isinstance(value, (str, int, float)) and attr is None:
                return self._resolve(value, stage_name, position, stage_refs)
            raise PipelineError(f'stage {stage_name!r}: unknown placeholder {match.group(0)}')
        return PLACEHOLDER.sub(sub, str(text))

    def _expand(self, args, stage_name, position, stage_refs=True):
        """Resolve arguments; an argument that is exactly ``{var}`` naming a list variable
        splices that list in (e.g. a role's extra ``--cfg-options`` entries), and a
        ``--cfg-options`` left with no entry (an empty list) is dropped."""
        out = []
        for arg in args:
            match = PLACEHOLDER.fullmatch(str(arg))
            value = self.cfg.get(match.group(1)) if match and not match.group(2) else None
            items = value if isinstance(value, (list, tuple)) else [arg]
            out += [self._resolve(a, stage_name, position, stage_refs) for a in items]
        return [a for i, a in enumerate(out) if a != '--cfg-options'
                or (i + 1 < len(out) and not out[i + 1].startswith('--'))]

    def upstream(self, stage):
        """Stages whose outputs ``stage`` reads (also through variables)."""
        refs, todo, seen = set(), [str(a) for a in stage['args']], set()
        while todo:
            text = todo.pop()
            for m in PLACEHOLDER.finditer(text):
                key = m.group(1)
                if key in self.names:
                    refs.add(key)
                elif key not in seen and key != 'out':
                    seen.add(key)
                    value = self.cfg.get(key)
                    values = value if isinstance(value, (list, tuple)) else [value]
                    todo += [str(v) for v in values if isinstance(v, (str, int, float))]
        return sorted(refs)

    def command(self, position):
        stage = self.stages[position]
        args = self._expand(stage['args'], stage['name'], position)
        tool = stage['tool']
        if tool in ('train', 'test', 'd2_train') and '--work-dir' not in args:
            args += ['--work-dir', self.stage_dir(stage['name'])]
        script = osp.join(self.tools_dir, f'{tool}.py')
        if not osp.isfile(script):
            raise PipelineError(f'stage {stage["name"]!r}: no tool {script}')
        if self.gpus > 1 and tool == 'd2_train':  # Detectron2's own launcher
            return [self.python, script, '--num-gpus', str(self.gpus), *args]
        if self.gpus > 1 and tool in DISTRIBUTED_TOOLS:
            return [self.python, '-m', 'torch.distributed.run', f'--nproc_per_node={self.gpus}',
                    script, *args, '--launcher', 'pytorch']
        return [self.python, script, *args]

    # Fingerprints -------------------------------------------------------------------------
    def fingerprint(self, position, relative=True):
        """``relative``: stage directories relative to the work dir, so a moved or copied work
        dir (or one whose stages link to another run's) keeps its finished stages; the
        absolute form is what work dirs written before that recorded (still accepted)."""
        stage = self.stages[position]
        args = self._expand(stage['args'], stage['name'], position, stage_refs=False)
        if relative:
            args = [a.replace(self.work_dir, '<work_dir>') for a in args]
        parts = [json.dumps([stage['tool'], args])]
        for arg in args:
            if arg.endswith(('.py', '.yaml')) and osp.isfile(arg):
                parts.append(_config_text(arg))
        for name in self.upstream(stage):
            done = self.done_record(name)
            parts.append(f'{name}:{done["finished_at"] if done else "missing"}')
        return hashlib.sha256('\n'.join(parts).encode()).hexdigest()

    def done_record(self, name):
        path = osp.join(self.stage_dir(name), DONE_FILE)
        if not osp.isfile(path):
            return None
        with open(path) as f:
            return json.load(f)

    # Running ------------------------------------------------------------------------------
    def select(self, start=None, until=None):
        for flag, name in (('--from', start), ('--until', until)):
            if name is not None and name not in self.names:
                raise PipelineError(f'{flag} {name!r}: no such stage; stages: '
                                    f'{", ".join(self.names)}')
        first = self.names.index(start) if start else 0
        last = self.names.index(until) if until else len(self.names) - 1
        return first, last

    def run(self, start=None, until=None):
        """Run stages; ``start`` forces that stage and all later ones to rerun."""
        first, last = self.select(start, until)
        os.makedirs(self.work_dir, exist_ok=True)
        summary = []
        for position in range(last + 1):
            name = self.stages[position]['name']
            if name in self.skip:
                continue
            forced = start is not None and position >= first
            fp = self.fingerprint(position)
            done = self.done_record(name)
            if done and done['fingerprint'] == self.fingerprint(position, relative=False):
                done['fingerprint'] = fp  # recorded by an earlier version: the same stage
            if position < first or (not forced and done and done['fingerprint'] == fp):
                if not (done and done['fingerprint'] == fp):
                    raise PipelineError(f'--from {start!r}: earlier stage {name!r} is not '
                                        'finished (or its inputs changed); run without --from')
                self._log(f'[pipeline] {name}: finished earlier, skipped')
                summary.append((name, 'skipped', 0.0))
                continue
            summary.append((name, 'ran', self._run_stage(position, fp)))
        return summary

    def _run_stage(self, position, fp):
        stage = self.stages[position]
        name = stage['name']
        out = self.stage_dir(name)
        os.makedirs(out, exist_ok=True)
        done_path = osp.join(out, DONE_FILE)
        if osp.exists(done_path):
            os.remove(done_path)
        cmd = self.command(position)
        log_path = osp.join(out, 'stage.log')
        self._log(f'[pipeline] {name}: {" ".join(cmd)}')
        start = time.time()
        with open(log_path, 'w') as log:
            proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                    text=True, bufsize=1)
            for line in proc.stdout:
                log.write(line)
                if self.echo:
                    sys.stdout.write(f'  {name} | {line}')
            code = proc.wait()
        elapsed = time.time() - start
        if code != 0:
            raise PipelineError(
                f'stage {name!r} failed (exit code {code}) after {elapsed:.0f}s; log: {log_path}. '
                'Finished stages are kept: rerun the same command to continue from this stage.')
        with atomic_write(done_path, 'w') as f:
            json.dump(dict(fingerprint=fp, finished_at=time.time(), seconds=elapsed,
                           command=cmd), f, indent=1)
        self._log(f'[pipeline] {name}: done in {elapsed:.0f}s')
        return elapsed

    def _log(self, msg):
        if self.echo:
            print(msg, flush=True)


def _config_text(path):
    """A config's content including its ``_base_`` chain (so base edits count); a Detectron2
    yaml with its ``_BASE_`` chain."""
    if path.endswith('.yaml'):
        import yaml
        with open(path) as f:
            text = f.read()
        base = (yaml.safe_load(text) or {}).get('_BASE_')
        base_path = osp.join(osp.dirname(path), base) if base else None
        return text + (_config_text(base_path) if base_path and osp.isfile(base_path) else '')
    try:
        from mmengine.config import Config
        return Config.fromfile(path, import_custom_modules=False).pretty_text
    except Exception:
        with open(path) as f:
            return f.read()
