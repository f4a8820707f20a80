"""tools/eval_instances.py: the toy's GT instances json (or a directory of IRN-format
instance files made from the GT) scores 100 against its own SegmentationObject; dropping one
class's instances costs that class its AP; masks of another split and a directory missing
an image of the split are refused."""
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


def test_eval_instances_reads_a_directory_of_instance_files(tiny_toy, tmp_path):
    import numpy as np
    from PIL import Image

    from wsss_plugins.apis.instance_pass import save_detections
    from wsss_plugins.evaluation.instance_eval import gt_instances
    det_dir = tmp_path / 'instances'
    det_dir.mkdir()
    names = [n.strip() for n in open(osp.join(tiny_toy, 'ImageSets', 'Segmentation',
                                              'val.txt'))]
    count = 0
    for name in names:
        masks, labels = gt_instances(
            np.asarray(Image.open(osp.join(tiny_toy, 'SegmentationObject', name + '.png'))),
            np.asarray(Image.open(osp.join(tiny_toy, 'SegmentationClass', name + '.png'))))
        save_detections(str(det_dir / f'{name}.npy'), dict(
            score=np.linspace(1, 0.5, len(labels)), mask=masks, **{'class': labels - 1}))
        count += len(labels)
    (det_dir / 'not_in_the_split.npy').write_bytes(b'ignored')  # other files are not read
    proc = run(tiny_toy, str(det_dir), str(tmp_path / 'dir.json'))
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.load(open(tmp_path / 'dir.json'))
    assert report['chainercv_mAPr_50'] == pytest.approx(100.0)
    assert report['num_instances'] == count
    (det_dir / f'{names[0]}.npy').unlink()
    proc = run(tiny_toy, str(det_dir), str(tmp_path / 'missing.json'))
    assert proc.returncode != 0 and f'{names[0]}.npy' in proc.stderr
