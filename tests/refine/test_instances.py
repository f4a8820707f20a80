"""IRN's instance pass (refine/instances.py) on hand-made fields and maps: centroids of a field
pointing at two known centres, the clustering threshold and id renumbering, the fragment and
score rule, and equality with the official loops (benchmarks/bench_instances.py)."""
import importlib.util
import os.path as osp

import numpy as np
import pytest
import torch

from wsss_plugins.refine.instances import (cluster_centroids, detect_fragments, find_centroids,
                                           instance_detections, label_same_value)

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def reference():
    spec = importlib.util.spec_from_file_location(
        'bench_instances', osp.join(REPO_ROOT, 'benchmarks', 'bench_instances.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def two_centre_field(h=20, w=30, centres=((5, 7), (14, 22)), rate=0.5):
    """Left half points at centre 0, right half at centre 1, by ``rate`` of the offset."""
    yy, xx = np.mgrid[:h, :w].astype(np.float32)
    right = xx >= w // 2
    ty = np.where(right, centres[1][0], centres[0][0])
    tx = np.where(right, centres[1][1], centres[0][1])
    return np.stack([(ty - yy) * rate, (tx - xx) * rate]).astype(np.float32), right


def test_a_field_pointing_at_two_centres_gives_exactly_two_clusters():
    disp, right = two_centre_field()
    centroids = find_centroids(disp)
    assert np.array_equal(centroids[0], np.where(right, 14, 5))
    assert np.array_equal(centroids[1], np.where(right, 22, 7))
    instances = cluster_centroids(centroids, disp)
    assert instances.shape == (2, 20, 30)  # no id-0 channel: every centroid is in a weak zone
    assert np.array_equal(instances[0], ~right) and np.array_equal(instances[1], right)
    # one step moves a pixel by the field read bilinearly at its position: half its offset
    one = find_centroids(disp, iterations=1)
    assert (one[0, 0, 0], one[1, 0, 0]) == (np.round(2.5), np.round(3.5))


def test_bilinear_step_reads_the_four_neighbours_and_clips():
    disp = np.zeros((2, 3, 3), np.float32)
    disp[1, 0, 1] = 1.0   # dx = 1 at (0, 1)
    disp[1, 0, 2] = 10.0  # a huge step at (0, 2): clipped to the last column
    centroids = find_centroids(disp, iterations=3)
    # (0, 0) stays; (0, 1) → (0, 2) → clipped at x = 2 and stays
    assert centroids[1, 0].tolist() == [0, 2, 2]
    assert (centroids[0] == np.arange(3)[:, None]).all()


def test_clustering_threshold_and_id_zero_renumbering():
    # 1x6 strip: strength 0, 0, 3, 3, 0, 0 → weak zones {0, 1} and {4, 5}, strong {2, 3}
    disp = np.zeros((2, 1, 6), np.float32)
    disp[1, 0, 2:4] = 3.0
    centroids = np.zeros((2, 1, 6), np.int32)
    centroids[1, 0] = [0, 1, 2, 5, 5, 4]  # pixel 2 lands on strong displacement: id 0
    instances = cluster_centroids(centroids, disp, threshold=2.5)
    assert instances.shape == (3, 1, 6)
    assert instances[:, 0].astype(int).tolist() == [[0, 0, 1, 0, 0, 0],   # id 0, kept
                                                    [1, 1, 0, 0, 0, 0],   # zone {0, 1}
                                                    [0, 0, 0, 1, 1, 1]]   # zone {4, 5}
    # above the strength, the strip is one weak zone: one instance
    assert cluster_centroids(centroids, disp, threshold=3.5).shape == (1, 1, 6)
    # strength exactly at the threshold is strong (IRN: weak = strength < threshold)
    assert cluster_centroids(centroids, disp, threshold=3.0).shape == (3, 1, 6)


def test_fragments_scores_and_the_one_percent_rule():
    pair_map = np.zeros((10, 10), np.int64)
    pair_map[0:3, 0:3] = 1   # pair 0, fragment a (9 px)
    pair_map[6:10, 6:10] = 1  # pair 0, fragment b (16 px)
    pair_map[0:4, 6:10] = 2  # pair 1 (16 px), touches nothing of its own pair
    pair_map[9, 0] = 2       # pair 1, a 1-px fragment: under 2 % of the image → score 0
    scores = np.zeros((2, 10, 10), np.float32)
    scores[0, 1, 1], scores[0, 8, 8], scores[1, 2, 8] = 0.7, 0.9, 0.6
    scores[1, 9, 0] = 1.0
    scores[1, 1, 1] = 5.0    # pair 1's map is high inside pair 0's fragment: not counted
    out = detect_fragments(scores, pair_map, np.array([3, 11]), min_size=2.0)
    assert out['score'].tolist() == pytest.approx([0.7, 0.9, 0.6, 0.0])
    assert out['class'].tolist() == [3, 3, 11, 11]
    assert out['mask'].sum((1, 2)).tolist() == [9, 16, 16, 1]
    assert out['mask'][3, 9, 0] and out['mask'][0, 0, 0]
    empty = detect_fragments(scores, np.zeros((10, 10), np.int64), np.array([3, 11]), 2.0)
    assert empty['mask'].shape == (0, 10, 10) and len(empty['score']) == 0


def test_same_value_labelling_separates_touching_pairs():
    values = np.array([[1, 1, 2, 2],
                       [0, 1, 2, 0],
                       [1, 0, 0, 2]])
    labels, count = label_same_value(values)
    assert count == 4
    assert labels.tolist() == [[1, 1, 2, 2], [0, 1, 2, 0], [3, 0, 0, 4]]


def test_vectorised_pass_equals_the_official_loops():
    bench = reference()
    disp, scores, pair_map, classes = bench.make_inputs(96, 124, pairs=9, seed=3)
    assert np.array_equal(find_centroids(disp, 50), bench.reference_find_centroids(disp, 50))
    # a rough field (as an untrained net gives): float32 rounding decides many centroids
    rough = np.random.default_rng(0).normal(0, 1.5, (2, 60, 80)).astype(np.float32)
    assert np.array_equal(find_centroids(rough), bench.reference_find_centroids(rough))
    one_hot = pair_map[None] == np.arange(1, 10)[:, None, None]
    ref = bench.reference_detect_instance(scores, one_hot, classes, 96 * 124 * 0.01)
    ours = detect_fragments(scores, pair_map, classes, 96 * 124 * 0.01)
    assert len(ref['score']) > 9  # pairs split into several fragments
    for key in ('score', 'mask', 'class'):
        assert np.array_equal(ref[key], ours[key]), key


def test_instance_detections_split_two_touching_objects_of_one_class():
    """One class, two touching boxes with a faint boundary (0.5) between them: the semantic
    baseline (no displacement) keeps one instance, the seam stays foreground; the field
    pointing at each box's centre gives two."""
    h4, w4 = 8, 32
    cam = np.zeros((1, h4, w4), np.float32)
    cam[0, 2:6, 2:30] = 1.0
    seed = dict(cam=cam, keys=np.array([5]), has_bg=False)
    edge = torch.zeros(h4, w4)
    edge[:, 16] = 0.5
    disp, _ = two_centre_field(h4, w4, centres=((4, 8), (4, 24)), rate=0.5)
    split = instance_detections(seed, edge, disp, (32, 128))
    merged = instance_detections(seed, edge, None, (32, 128))
    assert len(merged['score']) == 1 and merged['class'].tolist() == [5]
    assert len(split['score']) == 2 and split['class'].tolist() == [5, 5]
    assert (split['mask'].sum(0) == merged['mask'][0]).all()  # a partition of the object
    left, right = split['mask'][:, 16]
    assert left[:56].all() and not left[72:].any() and right[72:120].all()
