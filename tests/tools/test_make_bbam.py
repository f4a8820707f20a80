"""tools/make_bbam.py: one file per image with every box's map, the same files after an
interrupted run is resumed, the boxes of the VOC XML."""
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
import torch

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(REPO_ROOT, 'configs', 'bbam', 'faster-rcnn_r18_fpn_toy.py')
OPTIONS = ['bbam.iterations=3', 'bbam.num_proposals=40', 'bbam.thresholds=[-1.0]']


@pytest.fixture(scope='module')
def random_detector(tmp_path_factory):
    from wsss_plugins.datasets import load_config
    from wsss_plugins.models.detection import MMDetTwoStageAdapter
    torch.manual_seed(0)
    model = MMDetTwoStageAdapter.from_config(load_config(CONFIG)).model
    path = str(tmp_path_factory.mktemp('det') / 'frcnn.pth')
    torch.save(dict(state_dict=model.state_dict()), path)
    return path


def make_bbam(tiny_toy, checkpoint, out):
    return subprocess.run(
        [sys.executable, osp.join(REPO_ROOT, 'tools', 'make_bbam.py'), CONFIG, checkpoint,
         '--out', out, '--split', 'val', '--cfg-options', f'data_root={tiny_toy}', *OPTIONS],
        cwd=REPO_ROOT, capture_output=True, text=True)


def test_make_bbam_writes_every_box_and_resumes_to_the_same_files(tiny_toy, random_detector,
                                                                  tmp_path):
    from wsss_plugins.apis.bbam_pass import load_bbam
    from wsss_plugins.datasets.wsss_dataset import read_voc_xml
    full, resumed = str(tmp_path / 'full'), str(tmp_path / 'resumed')
    proc = make_bbam(tiny_toy, random_detector, full)
    assert proc.returncode == 0, proc.stderr[-3000:]
    names = open(osp.join(tiny_toy, 'ImageSets/Segmentation/val.txt')).read().split()
    assert sorted(os.listdir(full)) == sorted(n + '.npz' for n in names)
    data = load_bbam(osp.join(full, names[0] + '.npz'))
    _, objects = read_voc_xml(osp.join(tiny_toy, 'Annotations', names[0] + '.xml'),
                              ('background', 'cat', 'dog', 'bird', 'fish'))
    np.testing.assert_array_equal(data['boxes'], [[c - 1 for c in o['bbox']] for o in objects])
    assert data['labels'].tolist() == [o['class_index'] - 1 for o in objects]
    for mask, stride in zip(data['masks'], data['strides']):
        h, w = data['input_shape']
        assert mask.shape == (int(h / stride), int(w / stride))
        assert 0 <= mask.min() and mask.max() <= 1
    # an interrupted run: two files written, one left as a stale temporary file
    os.makedirs(resumed)
    for name in names[:2]:
        os.link(osp.join(full, name + '.npz'), osp.join(resumed, name + '.npz'))
    open(osp.join(resumed, f'.{names[2]}.npz.abc.tmp'), 'wb').write(b'partial')
    proc = make_bbam(tiny_toy, random_detector, resumed)
    assert proc.returncode == 0 and '2 written, 2 already there' in proc.stdout, proc.stdout
    for name in names:
        a, b = (load_bbam(osp.join(d, name + '.npz')) for d in (full, resumed))
        assert all(np.array_equal(x, y) for x, y in zip(a['masks'], b['masks']))
