"""tools/eval_instances.py: the toy's GT instances json scores 100 against its own
SegmentationObject; dropping one class's instances costs that class its AP; masks of
another split are refused."""
import json
import os.path as osp
import subprocess
import sys

import pytest

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DATASET = osp.join('configs', '_base_', 'datasets', 'toy_voc.py')


def run(root, instances, out, split='val'):
    return subprocess.run(
        [sys.executable, osp.join(REPO_ROOT, 'tools', 'eval_instances.py'), DATASET,
         '--instances', instances, '--split', split, '--out', out,
         '--cfg-options', f'data_root={root}'], cwd=REPO_ROOT, capture_output=True, text=True)


def test_eval_instances_scores_a_json_against_the_split(tiny_toy, tmp_path):
    gt = osp.join(tiny_toy, 'annotations', 'instances_val.json')
    proc = run(tiny_toy, gt, str(tmp_path / 'gt.json'))
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.load(open(tmp_path / 'gt.json'))
    for key in ('sds_mAPr_50', 'sds_mAPr_75', 'chainercv_mAPr_75', 'coco_style_AP_75', 'ABO'):
        assert report[key] == pytest.approx(100.0), key
    coco = json.load(open(gt))
    present = sorted({a['category_id'] for a in coco['annotations']})
    dropped = present[0]
    coco['annotations'] = [a for a in coco['annotations'] if a['category_id'] != dropped]
    json.dump(coco, open(tmp_path / 'partial.json', 'w'))
    proc = run(tiny_toy, str(tmp_path / 'partial.json'), str(tmp_path / 'partial_report.json'))
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.load(open(tmp_path / 'partial_report.json'))
    assert report['sds_mAPr_50'] == pytest.approx(100.0 * (len(present) - 1) / len(present))
    proc = run(tiny_toy, gt, str(tmp_path / 'wrong.json'), split='train_aug')
    assert proc.returncode != 0 and 'are not in split' in proc.stderr
