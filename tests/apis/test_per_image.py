"""The per-image runner's batching: groups by key in first-seen order, a failing batch
rerun image by image."""
from wsss_plugins.apis.per_image import key_batches, run_per_image


def items(*names):
    return [dict(name=n, img_path=f'{n}.jpg') for n in names]


def test_key_batches_group_by_key_in_order():
    its = items('a1', 'b1', 'a2', 'a3', 'bad', 'b2', 'a4')

    def key(item):
        if item['name'] == 'bad':
            raise OSError('unreadable')
        return item['name'][0]

    got = [[i['name'] for i in batch] for batch in key_batches(its, key, 3)]
    assert got == [['a1', 'a2', 'a3'], ['a4'], ['b1', 'b2'], ['bad']]


def test_a_failing_batch_is_rerun_image_by_image(tmp_path):
    written, calls = [], []

    def work(batch):
        calls.append([i['name'] for i in batch])
        if any(i['name'] == 'x2' for i in batch):
            raise ValueError('broken image')
        written.extend(i['name'] for i in batch)

    result = run_per_image(items('x1', 'x2', 'x3'), lambda item: str(tmp_path / item['name']),
                           work, batch_size=4, batch_key=lambda item: 0)
    assert calls == [['x1', 'x2', 'x3'], ['x1'], ['x2'], ['x3']]
    assert written == ['x1', 'x3']
    assert result['written'] == 2 and result['skipped'] == 0
    (name, message), = result['failures']
    assert name == 'x2' and 'x2.jpg: ValueError: broken image' in message
