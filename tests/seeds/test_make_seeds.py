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


def test_batches_of_one_size_write_the_same_seeds(tmp_path):
    """``batch_size`` > 1 groups images by size (two sizes here, one image corrupt): the
    same files as image by image, the bad image named, the others written."""
    infos = make_images(str(tmp_path), 3)
    for i in range(3, 6):  # three more images of the size of img_0 (12×16)
        path = str(tmp_path / f'img_{i}.jpg')
        Image.open(infos[0]['img_path']).transpose(Image.FLIP_TOP_BOTTOM).save(path)
        infos.append(dict(infos[i % 3], img_path=path))
    with open(infos[4]['img_path'], 'wb') as f:
        f.write(b'not a jpeg')
    gen = CAMSeedGenerator(TinyCAMNet())
    calls = []
    batch = gen.batch
    gen.batch = lambda imgs, keys, infos: calls.append(len(imgs)) or batch(imgs, keys, infos)
    single, batched = str(tmp_path / 'one'), str(tmp_path / 'many')
    generate_seeds(gen, ListDataset(infos), single)
    calls.clear()
    result = generate_seeds(gen, ListDataset(infos), batched, batch_size=4)
    assert result['written'] == 5 and [name for name, _ in result['failures']] == ['img_4']
    # img_0, 3 and 5 share a size and go as one batch; img_4's header is unreadable, so it
    # is a batch of its own and fails alone
    assert sorted(os.listdir(batched)) == sorted(os.listdir(single))
    assert max(calls) == 3
    for name in os.listdir(single):
        a, b = load_seed(osp.join(single, name)), load_seed(osp.join(batched, name))
        assert np.abs(a['high_res'] - b['high_res']).max() <= 1e-6
