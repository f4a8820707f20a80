"""generate_seeds: one IRN-format file per image, resumable, sharded, failure-tolerant."""
import os
import os.path as osp

import numpy as np
from PIL import Image
from test_advcam import TinyCAMNet

from wsss_plugins.seeds.cam import CAMSeedGenerator
from wsss_plugins.utils.seed_io import load_seed
from wsss_plugins.apis.seed_pass import generate_seeds


class ListDataset:

    def __init__(self, infos):
        self.infos = infos

    def __len__(self):
        return len(self.infos)

    def get_data_info(self, i):
        return self.infos[i]


def make_images(root, n):
    rng = np.random.default_rng(0)
    infos = []
    for i in range(n):
        path = osp.join(root, f'img_{i}.jpg')
        Image.fromarray(rng.integers(0, 256, (12 + i, 16, 3), dtype=np.uint8)).save(path)
        labels = np.zeros(3, np.float32)
        labels[[i % 3, (i + 1) % 3]] = 1
        infos.append(dict(img_path=path, img_labels=labels))
    return infos


def test_writes_resumes_and_shards(tmp_path):
    infos = make_images(str(tmp_path), 5)
    gen = CAMSeedGenerator(TinyCAMNet())
    out = str(tmp_path / 'seeds')

    result = generate_seeds(gen, ListDataset(infos), out, rank=1, world_size=2)
    assert result == dict(written=2, skipped=0, failures=[])
    assert sorted(os.listdir(out)) == ['img_1.npy', 'img_3.npy']  # every 2nd image from 1

    seed = load_seed(osp.join(out, 'img_3.npy'))
    assert seed['keys'].tolist() == [0, 1] and not seed['has_bg']
    assert seed['cam'].shape == (2, 4, 4) and seed['high_res'].shape == (2, 15, 16)

    stamp = os.stat(osp.join(out, 'img_3.npy')).st_mtime_ns
    result = generate_seeds(gen, ListDataset(infos), out)
    assert result == dict(written=3, skipped=2, failures=[])
    assert os.stat(osp.join(out, 'img_3.npy')).st_mtime_ns == stamp  # not recomputed
    assert len(os.listdir(out)) == 5


def test_a_bad_image_is_named_and_the_rest_finish(tmp_path):
    infos = make_images(str(tmp_path), 3)
    with open(infos[1]['img_path'], 'wb') as f:
        f.write(b'not a jpeg')
    out = str(tmp_path / 'seeds')
    result = generate_seeds(CAMSeedGenerator(TinyCAMNet()), ListDataset(infos), out)
    assert result['written'] == 2
    (name, message), = result['failures']
    assert name == 'img_1' and infos[1]['img_path'] in message
    assert sorted(os.listdir(out)) == ['img_0.npy', 'img_2.npy']  # no partial file left
