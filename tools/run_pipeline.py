"""Run a whole WSSS pipeline from a pipeline config; the toy AMN pipeline by default.

    python tools/run_pipeline.py                      # = --toy: toy data (generated if
                                                      #   missing), AMN pipeline, CPU
    python tools/run_pipeline.py configs/pipelines/amn_voc.py [--work-dir DIR]
        [--from STAGE] [--until STAGE] [--gpus N] [--list]
        [--cfg-options skip="['advcam_seeds','advcam_eval']" deeplab_options=...]

Finished stages are skipped (a stage reruns when its command, its config files or
the stages it reads change); ``--from`` reruns a stage and everything after it.
At the end of every run ``<work_dir>/report.md`` holds the results table and figures.
"""
import argparse
import os.path as osp
import sys

from mmengine.config import Config, DictAction

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
TOY_PIPELINE = osp.join('configs', 'pipelines', 'amn_toy.py')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('config', nargs='?', help=f'pipeline config (default {TOY_PIPELINE})')
    parser.add_argument('--toy', action='store_true', help=f'run {TOY_PIPELINE}')
    parser.add_argument('--work-dir', help='override the config work_dir')
    parser.add_argument('--from', dest='start', metavar='STAGE',
                        help='rerun from this stage on')
    parser.add_argument('--until', metavar='STAGE', help='stop after this stage')
    parser.add_argument('--gpus', type=int, default=1,
                        help='GPUs per training/inference stage (torchrun + MMEngine launcher)')
    parser.add_argument('--list', action='store_true', help='list the stages and exit')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default={},
                        help='override pipeline variables, e.g. skip=[...] or '
                             'deeplab_options=[...] (a list spliced into that stage\'s args)')
    return parser.parse_args()


def main():
    args = parse_args()
    from wsss_plugins.pipeline import PipelineError, PipelineRunner
    from wsss_plugins.pipeline.report import write_report

    config = args.config or TOY_PIPELINE
    if args.toy and args.config:
        sys.exit('give either a pipeline config or --toy')
    cfg = Config.fromfile(config)
    cfg.merge_from_dict(args.cfg_options)
    runner = PipelineRunner(cfg, work_dir=args.work_dir, gpus=args.gpus)
    if args.list:
        for i, stage in enumerate(cfg.stages):
            done = runner.done_record(stage['name'])
            print(f'{i:2d} {stage["name"]:<18s} {stage["tool"]:<20s} '
                  f'{"done" if done else "-"}')
        return
    toy = cfg.get('toy_dataset')
    if toy and not osp.isfile(osp.join(toy, 'ImageSets', 'Segmentation', 'val.txt')):
        from wsss_plugins.datasets.toy import make_toy_dataset
        print(f'[pipeline] generating the toy dataset in {toy}')
        make_toy_dataset(toy)
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
