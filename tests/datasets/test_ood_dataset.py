"""OoDImageDataset (W-OoD's OoD images): the reference's list format as is, all-zero image
labels, grayscale images loaded as three channels, and errors naming the file."""
import numpy as np
import pytest
from PIL import Image

from wsss_plugins.datasets import DataError, OoDImageDataset
from wsss_plugins.datasets.transforms import LoadCheckedImage

CLASSES = ('background', 'cat', 'dog', 'bird')


def make_ood(tmp_path, lines):
    root = tmp_path / 'OoD_images'
    (root / 'sub').mkdir(parents=True)
    Image.fromarray(np.full((20, 30, 3), 100, np.uint8)).save(root / 'a.jpg')
    Image.fromarray(np.arange(600, dtype=np.uint8).reshape(20, 30)).save(root / 'sub' / 'g.png')
    (tmp_path / 'ood_list.txt').write_text(lines)
    return str(root), str(tmp_path / 'ood_list.txt')


def test_reference_list_format_and_zero_labels(tmp_path):
    root, ann = make_ood(tmp_path, 'a.jpg\nsub/g.png\n\n')
    dataset = OoDImageDataset(ann, data_prefix=dict(img_path=root),
                              metainfo=dict(classes=CLASSES), pipeline=[])
    assert len(dataset) == 2
    info = dataset.get_data_info(1)
    assert info['img_path'].endswith('sub/g.png')
    assert info['img_labels'].tolist() == [0.0, 0.0, 0.0]
    gray = LoadCheckedImage().transform(dict(img_path=info['img_path']))['img']
    assert gray.shape == (20, 30, 3) and (gray[..., 0] == gray[..., 2]).all()


def test_errors_name_the_list_and_the_missing_image(tmp_path):
    root, ann = make_ood(tmp_path, 'a.jpg\nmissing/b.jpg\n')
    with pytest.raises(DataError, match=r'1 of the 2 OoD image\(s\) of .*ood_list.txt missing '
                                        r'under .*OoD_images, e.g. .*missing/b.jpg'):
        OoDImageDataset(ann, data_prefix=dict(img_path=root), metainfo=dict(classes=CLASSES))
    with pytest.raises(DataError, match='OoD image list not found: .*nope.txt'):
        OoDImageDataset(str(tmp_path / 'nope.txt'), data_prefix=dict(img_path=root),
                        metainfo=dict(classes=CLASSES))
    (tmp_path / 'empty.txt').write_text('\n\n')
    with pytest.raises(DataError, match='OoD image list is empty'):
        OoDImageDataset(str(tmp_path / 'empty.txt'), data_prefix=dict(img_path=root),
                        metainfo=dict(classes=CLASSES))
