"""configs/pipelines/irn_instances_toy.py up to the pseudo instances' evaluation, on the toy
IRN pipeline's stages (cam → cam_seeds → cam_ir → irn → pseudo, linked from the session's
``toy_pipeline`` run: the runner finds them finished): IRN's instance pass over train_aug,
scored with chainercv mAP^r against SegmentationObject beside the baseline without the
displacement field. Measured (CAM seeds, 300 images): AP50 45.5 vs 43.2 for the baseline,
AP75 5.8 vs 5.6."""
import json
import os
import os.path as osp

import numpy as np
import pytest
import torch

from fixtures_pipeline import last_checkpoint, run_sharing_stages

PIPELINE = osp.join('configs', 'pipelines', 'irn_instances_toy.py')
SHARED = ('cam', 'cam_seeds', 'cam_ir', 'irn', 'pseudo', 'pseudo_eval')
AP50_FLOOR = 38.0
TRAIN_AUG = 300


@pytest.fixture(scope='module')
def instances_run(toy_pipeline, toy_root, repo_root, tmp_path_factory):
    return run_sharing_stages(toy_pipeline, toy_root, repo_root,
                              str(tmp_path_factory.mktemp('pipeline_irn_instances_toy')),
                              PIPELINE, SHARED, '--until', 'components_eval')


def _json(path):
    with open(path) as f:
        return json.load(f)


def test_shared_stages_are_reused_and_irn_stored_its_displacement_mean(instances_run,
                                                                       toy_pipeline):
    assert instances_run['output'].count('finished earlier, skipped') == len(SHARED)
    state = torch.load(last_checkpoint(toy_pipeline['stage']('irn')), map_location='cpu',
                       weights_only=False)['state_dict']
    mean = state['displacement_mean']
    assert mean.shape == (2,) and mean.abs().sum() > 0.1  # the background's constant offset
    print('toy IRN displacement mean', mean.tolist())


def test_pseudo_instances_beat_the_connected_component_baseline(instances_run):
    ours = _json(osp.join(instances_run['stage']('instances_eval'), 'report.json'))
    base = _json(osp.join(instances_run['stage']('components_eval'), 'report.json'))
    print('toy train_aug chainercv mAP^r@0.5 / 0.75: IRN instances',
          ours['chainercv_mAPr_50'], ours['chainercv_mAPr_75'], '| components baseline',
          base['chainercv_mAPr_50'], base['chainercv_mAPr_75'])
    assert ours['num_images'] == base['num_images'] == TRAIN_AUG
    assert ours['chainercv_mAPr_50'] > AP50_FLOOR
    assert ours['chainercv_mAPr_50'] > base['chainercv_mAPr_50']


def test_instance_files_json_and_report(instances_run):
    from pycocotools.coco import COCO

    from wsss_plugins.apis.instance_pass import load_detections
    out = instances_run['stage']('instances')
    names = sorted(f[:-4] for f in os.listdir(out) if f.endswith('.npy'))
    assert len(names) == TRAIN_AUG
    assert len([f for f in os.listdir(osp.join(out, 'components'))]) == TRAIN_AUG
    scored, classes = 0, set()
    for name in names:
        det = load_detections(osp.join(out, name + '.npy'))
        assert det['mask'].ndim == 3 and det['mask'].dtype == bool
        assert set(np.unique(det['mask'].sum(0))) <= {0, 1}  # one pair per pixel
        scored += int((det['score'] > 0).sum())
        classes |= set(det['class'].tolist())
    coco = COCO(osp.join(out, 'instances.json'))
    assert len(coco.getAnnIds()) == scored and len(coco.getImgIds()) == TRAIN_AUG
    assert {c['name'] for c in coco.loadCats(coco.getCatIds())} == {'cat', 'dog', 'bird',
                                                                       'fish'}
    assert classes <= {0, 1, 2, 3}
    report = open(osp.join(instances_run['work_dir'], 'report.md')).read()
    ours = _json(osp.join(instances_run['stage']('instances_eval'), 'report.json'))
    assert f"| IRN pseudo instances mAP^r@0.5 (chainercv) | {ours['chainercv_mAPr_50']:.1f} |" \
        in report
    assert osp.getsize(osp.join(instances_run['work_dir'], 'figures', 'overlays.png')) > 5000
