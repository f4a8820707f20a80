"""Run a whole WSSS pipeline from a pipeline config; the toy AMN pipeline by default.

    python tools/run_pipeline.py                      # = --toy: toy data (generated if
                                                      #   missing), AMN pipeline, CPU
    python tools/run_pipeline.py configs/pipelines/cam_irn.py \
        --dataset configs/_base_/datasets/my_data.py --size toy|full [--work-dir DIR]
        [--from STAGE] [--until STAGE] [--gpus N] [--list]
        [--cfg-options skip="['advcam_seeds','advcam_eval']" ...]

``--dataset`` runs every stage on that dataset config, ``--size`` picks the method configs
(``configs[size]`` of the pipeline). ``--list`` checks the pipeline (every config exists and
builds with the dataset, class counts agree, every ``--cfg-options`` key exists) and lists
the stages; the same check runs before every run. Finished stages are skipped (a stage
reruns when its command, its config files or the stages it reads change); ``--from`` reruns
a stage and everything after it. At the end of every run ``<work_dir>/report.md`` holds the
results table and figures.
"""
import argparse
import os.path as osp
import sys

from mmengine.config import DictAction

TOY_PIPELINE = osp.join('configs', 'pipelines', 'amn_toy.py')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', nargs='?', help=f'pipeline config (default {TOY_PIPELINE})')
    parser.add_argument('--toy', action='store_true', help=f'run {TOY_PIPELINE}')
    parser.add_argument('--dataset', metavar='DATASET_CONFIG',
                        help='dataset config every stage runs on (configs/_base_/datasets/)')
    parser.add_argument('--size', help="the pipeline's model configs: toy, full, ...")
    parser.add_argument('--work-dir', help='override the config work_dir')
    parser.add_argument('--from', dest='start', metavar='STAGE',
                        help='rerun from this stage on')
    parser.add_argument('--until', metavar='STAGE', help='stop after this stage')
    parser.add_argument('--gpus', type=int, default=1,
                        help='GPUs per training/inference stage (torchrun + MMEngine launcher)')
    parser.add_argument('--list', action='store_true',
                        help='check the pipeline, list the stages and exit')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                        help='override pipeline variables, e.g. skip=[...] or '
                             'options.toy.deeplab=[...] (extra --cfg-options of a role)')
    return parser.parse_args()


def main():
    args = parse_args()
    from wsss_plugins.datasets.config import load_dataset_config
    from wsss_plugins.pipeline import PipelineError, PipelineRunner
    from wsss_plugins.pipeline.config import check_pipeline, load_pipeline_config
    from wsss_plugins.pipeline.report import write_report

    if args.toy and args.config:
        sys.exit('give either a pipeline config or --toy')
    try:
        cfg = load_pipeline_config(args.config or TOY_PIPELINE, args.dataset, args.size,
                                   args.cfg_options)
        runner = PipelineRunner(cfg, work_dir=args.work_dir, gpus=args.gpus)
    except PipelineError as e:
        sys.exit(f'[pipeline] {e}')
    problems = check_pipeline(runner)
    if args.list:
        print(f'pipeline {cfg.filename}: dataset {cfg.dataset}, size {cfg.size}, '
              f'work_dir {runner.work_dir}')
        for i, stage in enumerate(cfg.stages):
            done = runner.done_record(stage['name'])
            state = 'skip' if stage['name'] in runner.skip else 'done' if done else '-'
            print(f'{i:2d} {stage["name"]:<18s} {stage["tool"]:<20s} {state}')
    for problem in problems:
        print(f'[pipeline] problem: {problem}', file=sys.stderr)
    if problems:
        sys.exit(f'[pipeline] {len(problems)} problem(s) found; nothing was run')
    if args.list:
        return
    dataset = load_dataset_config(cfg.dataset)
    context = dataset.get('toy_variant') == 'context'
    written = [osp.join('ImageSets', 'Segmentation', 'val.txt')] + (
        [osp.join('ood', 'ood_list.txt')] if context else [])  # the last files written
    if dataset.dataset_type == 'ToyVOCDataset' and not all(
            osp.isfile(osp.join(dataset.data_root, f)) for f in written):
        from wsss_plugins.datasets.toy import make_toy_dataset
        print(f'[pipeline] generating the toy dataset in {dataset.data_root}')
        make_toy_dataset(dataset.data_root, context=context)
    try:
        runner.run(start=args.start, until=args.until)
    except PipelineError as e:
        write_report(cfg, runner)
        sys.exit(f'[pipeline] {e}')
    table = write_report(cfg, runner)
    print(table)
    print(f'[pipeline] report: {osp.join(runner.work_dir, "report.md")}')


if __name__ == '__main__':
    main()
