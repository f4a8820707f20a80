"""Pretrained weights of configs: what they need, whether it is here, and fetching it.

    python tools/weights.py table                   # every file the project knows (README)
    python tools/weights.py list [CONFIG ...]       # what configs need (default: all configs)
    python tools/weights.py check CONFIG [--dataset D] [--cfg-options k=v ...]
    python tools/weights.py fetch CONFIG            # download into the torch hub cache

``check`` exits 1 with the missing file, its URL, the path to put it at and the
``--cfg-options`` line that points the config elsewhere (what ``tools/train.py`` does before
training); ``fetch`` downloads on a machine with internet (a login node) into
``$TORCH_HOME/hub/checkpoints``, verifying the published SHA-256, so the cache can be copied
to the cluster. Files without a URL (converted checkpoints) are named with where they come
from.
"""
import argparse
import glob
import os.path as osp
import sys

from mmengine.config import DictAction

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def all_configs():
    return sorted(p for p in glob.glob(osp.join(REPO_ROOT, 'configs', '**', '*.py'),
                                       recursive=True)
                  if '_base_' not in p and '/pipelines/' not in p)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('action', choices=['table', 'list', 'check', 'fetch'])
    parser.add_argument('configs', nargs='*', metavar='CONFIG')
    parser.add_argument('--dataset', metavar='DATASET_CONFIG')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction, default=None,
                        metavar='KEY=VALUE')
    args = parser.parse_args()
    from wsss_plugins.datasets import load_config
    from wsss_plugins.utils.weights import (WEIGHTS, WeightsMissing, fetch, missing_message,
                                            reachable, status)
    options = args.cfg_options
    if args.action == 'table':
        print('| file | URL | SHA-256 | size | what | used by |')
        print('| --- | --- | --- | --- | --- | --- |')
        for w in WEIGHTS:
            print(f'| {w["file"]} | {w["url"] or "—"} | {w["sha256"] or "—"} | {w["size"]} | '
                  f'{w["what"]} | {w["used_by"]} |')
        return
    configs = args.configs or (all_configs() if args.action == 'list' else None)
    if not configs:
        parser.error(f'{args.action} needs a CONFIG')
    failed = False
    for config in configs:
        rows = status(load_config(config, args.dataset, options))
        rel = osp.relpath(config, REPO_ROOT) if osp.isabs(config) else config
        if args.action == 'list':
            for r in rows or [None]:
                print(f'{rel}: ' + ('no pretrained weights' if r is None else
                                    f'{r["key"]} = {osp.basename(r["path"])} '
                                    f'[{"present" if r["present"] else "missing"}: {r["path"]}]'))
        elif args.action == 'check':
            missing = [dict(r, reason=reachable(r['url'])[1] if r['url'] else 'no URL')
                       for r in rows if not r['present']]
            missing = [r for r in missing if not r['url'] or r['reason']]
            if missing:
                print(missing_message(rel, missing), file=sys.stderr)
                failed = True
            else:
                print(f'{rel}: every pretrained file is present or downloadable')
        else:
            for r in rows:
                if r['present']:
                    print(f'{osp.basename(r["path"])}: already at {r["path"]}')
                elif not r['url']:
                    print(missing_message(rel, [dict(r, reason='no URL')]), file=sys.stderr)
                    failed = True
                else:
                    try:
                        digest = fetch(r['url'], r['path'], (r['entry'] or {}).get('sha256'))
                        print(f'{osp.basename(r["path"])}: {r["path"]} (SHA-256 {digest})')
                    except WeightsMissing as e:
                        print(e, file=sys.stderr)
                        failed = True
    sys.exit(1 if failed else 0)


if __name__ == '__main__':
    main()
