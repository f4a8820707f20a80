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


def oracle_maps(root, names, out):
    """BBAM files whose maps are the GT instance masks at a stride-16 resolution: what a
    perfect attribution would give."""
    from PIL import Image

    from wsss_plugins.apis.bbam_pass import box_items
    from wsss_plugins.datasets import build_split_dataset, load_config
    cfg = load_config(CONFIG, cfg_options=dict(data_root=root))
    os.makedirs(out, exist_ok=True)
    for item in box_items(build_split_dataset(cfg, 'val')):
        inst = np.asarray(Image.open(osp.join(root, 'SegmentationObject', item['name'] + '.png')))
        h, w = inst.shape
        masks = {f'mask_{k}': np.asarray(Image.fromarray(
            (inst == k + 1).astype(np.float32)).resize((w // 16, h // 16), Image.BILINEAR))
            for k in range(len(item['labels']))}
        np.savez(osp.join(out, item['name'] + '.npz'), boxes=item['boxes'],
                 labels=item['labels'], strides=np.full(len(masks), 16.0),
                 num_positives=np.ones(len(masks), np.int64), input_shape=np.array([h, w]),
                 **masks)
    return cfg


def test_bbam_labels_of_oracle_maps_beat_the_filled_boxes(tiny_toy, tmp_path):
    """Instance masks from good maps beat the filled boxes on mean IoU with the GT instances
    and their semantic labels beat the box-filled ones; the outputs are what Mask R-CNN and
    DeepLab-v2 read. Measured on the 4 tiny-toy val images (8 boxes): instance IoU 0.905 vs
    0.712 for the filled boxes, semantic mIoU 91.0 vs 74.5."""
    from PIL import Image
    from pycocotools.coco import COCO
    names = open(osp.join(tiny_toy, 'ImageSets/Segmentation/val.txt')).read().split()
    oracle_maps(tiny_toy, names, str(tmp_path / 'maps'))
    proc = subprocess.run(
        [sys.executable, osp.join(REPO_ROOT, 'tools', 'make_bbam_labels.py'), CONFIG,
         '--seeds', str(tmp_path / 'maps'), '--out', str(tmp_path / 'labels'), '--split', 'val',
         '--cfg-options', f'data_root={tiny_toy}'], cwd=REPO_ROOT, capture_output=True,
        text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    import json
    report = json.load(open(tmp_path / 'labels' / 'report.json'))
    assert report['num_images'] == len(names)
    assert report['instance_mean_iou'] > report['box_instance_mean_iou'] + 0.1
    assert report['semantic']['mIoU'] > report['box_semantic']['mIoU']
    coco = COCO(str(tmp_path / 'labels' / 'instances_th0.85.json'))
    assert len(coco.getAnnIds()) == report['num_boxes']
    ann = coco.loadAnns(coco.getAnnIds())[0]
    assert coco.annToMask(ann).sum() == ann['area'] and ann['score'] == 1
    ignore = COCO(str(tmp_path / 'labels' / 'instances_th0.2.json'))
    assert ignore.annToMask(ignore.loadAnns(1)[0]).sum() >= coco.annToMask(ann).sum() * 0.9
    label = np.asarray(Image.open(tmp_path / 'labels' / 'semantic' / (names[0] + '.png')))
    assert set(np.unique(label)) <= {0, 1, 2, 3, 4, 255}
    # the toy config adds the box-CRF baseline; without MCG proposals the step is skipped
    assert 0 < report['box_crf_instance_mean_iou'] <= 1
    assert 0 < report['box_crf_semantic']['mIoU'] <= 1
    assert report['mcg'] == 'not used (no bbam_labels.mcg_dirs)'
    assert not (tmp_path / 'labels' / 'instances_th0.85_mcg.json').exists()
    # resuming into the same directory with other settings is refused, not mixed
    proc = subprocess.run(
        [sys.executable, osp.join(REPO_ROOT, 'tools', 'make_bbam_labels.py'), CONFIG,
         '--seeds', str(tmp_path / 'maps'), '--out', str(tmp_path / 'labels'), '--split', 'val',
         '--cfg-options', f'data_root={tiny_toy}', 'bbam_labels.box_crf_baseline=False'],
        cwd=REPO_ROOT, capture_output=True, text=True)
    assert proc.returncode != 0 and 'other bbam_labels settings' in proc.stderr


def oracle_mcg(root, names, out):
    """MCG files whose superpixels are 8-pixel cells cut by the GT instances and whose
    proposals are the GT instances: what perfect proposals would give."""
    from PIL import Image
    from scipy import io
    os.makedirs(out)
    for name in names:
        inst = np.asarray(Image.open(osp.join(root, 'SegmentationObject', name + '.png')))
        inst = np.where(inst == 255, 0, inst).astype(np.int64)
        h, w = inst.shape
        cells = (np.arange(h)[:, None] // 8) * 100 + np.arange(w)[None] // 8
        _, superpixels = np.unique(cells * 256 + inst, return_inverse=True)
        superpixels = superpixels.reshape(h, w) + 1
        labels = np.empty((inst.max(), 1), object)
        for k in range(1, inst.max() + 1):
            labels[k - 1, 0] = np.unique(superpixels[inst == k])[None]
        io.savemat(osp.join(out, name + '.mat'), dict(superpixels=superpixels, labels=labels))


def test_mcg_proposals_refine_the_instance_masks(tiny_toy, tmp_path):
    """With MCG proposals (here the GT instances) the *_mcg jsons hold the refined masks of
    the boxes of at least 32² pixels, which match the GT instances better."""
    import json

    from pycocotools.coco import COCO
    names = open(osp.join(tiny_toy, 'ImageSets/Segmentation/val.txt')).read().split()
    oracle_maps(tiny_toy, names, str(tmp_path / 'maps'))
    oracle_mcg(tiny_toy, names[:3], str(tmp_path / 'mcg'))  # the 4th image has no file
    proc = subprocess.run(
        [sys.executable, osp.join(REPO_ROOT, 'tools', 'make_bbam_labels.py'), CONFIG,
         '--seeds', str(tmp_path / 'maps'), '--out', str(tmp_path / 'labels'), '--split', 'val',
         '--cfg-options', f'data_root={tiny_toy}', f'bbam_labels.mcg_dirs=[{tmp_path / "mcg"}]',
         'bbam_labels.box_crf_baseline=False'],
        cwd=REPO_ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.load(open(tmp_path / 'labels' / 'report.json'))
    assert report['mcg']['images'] == 3 and report['mcg']['boxes_refined'] >= 3
    assert report['mcg_instance_mean_iou'] > report['instance_mean_iou']
    assert 'box_crf_instance_mean_iou' not in report
    plain = COCO(str(tmp_path / 'labels' / 'instances_th0.85.json'))
    refined = COCO(str(tmp_path / 'labels' / 'instances_th0.85_mcg.json'))
    assert plain.getAnnIds() == refined.getAnnIds()
    last = plain.getAnnIds(imgIds=[len(names)])  # no proposals: masks kept
    assert [a['segmentation'] for a in plain.loadAnns(last)] == \
        [a['segmentation'] for a in refined.loadAnns(last)]


def test_boxes_come_from_the_instances_json_without_voc_xmls(tiny_toy, tmp_path):
    """A COCO-layout dataset (no Annotations/): the same boxes and labels from its json."""
    import shutil

    from wsss_plugins.apis.bbam_pass import box_items
    from wsss_plugins.datasets import build_split_dataset, load_config
    root = str(tmp_path / 'toy')
    shutil.copytree(tiny_toy, root)
    dataset = build_split_dataset(load_config(CONFIG, cfg_options=dict(data_root=root)), 'val')
    instances = osp.join(root, 'annotations', 'instances_val.json')
    from_xml = box_items(dataset, instances)
    os.rename(osp.join(root, 'Annotations'), osp.join(root, 'xml'))
    from_json = box_items(dataset, instances)
    assert [i['name'] for i in from_json] == [i['name'] for i in from_xml]
    for a, b in zip(from_json, from_xml):
        np.testing.assert_array_equal(a['boxes'], b['boxes'])
        np.testing.assert_array_equal(a['labels'], b['labels'])
    with pytest.raises(FileNotFoundError, match='no `instances` json'):
        box_items(dataset)
