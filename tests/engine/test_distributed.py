"""Real 2-process (torchrun, gloo, CPU) runs keep the single-process recipe.

The config's ``train_dataloader.batch_size`` is the global batch: N processes load batch/N
each, so one step of N processes has the loss and gradients of one process on the same
global batch (CAM: a per-image mean; IRN: pair means, AMN's PCL and the balanced CE: pixel
means over the global batch, the counts summed across processes), an epoch has the same
number of iterations, and sharded per-image passes write the files one process writes.
"""
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
import torch

PROBE = osp.join(osp.dirname(osp.abspath(__file__)), 'dist_probe.py')
QUIET_LOADER = ['train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False']


def run(repo_root, data_root, script, *args, nproc=1):
    launch = ([sys.executable, '-m', 'torch.distributed.run', '--standalone',
               f'--nproc_per_node={nproc}'] if nproc > 1 else [sys.executable])
    extra = ['--launcher', 'pytorch'] if nproc > 1 else []  # after --cfg-options' values
    proc = subprocess.run([*launch, script, *args, *extra], cwd=repo_root,
                          env=dict(os.environ, WSSS_TOY_ROOT=data_root, OMP_NUM_THREADS='1'),
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    return proc


def probe(repo_root, data_root, tmp_path, config, options, nproc):
    out = str(tmp_path / f'probe_{nproc}.pth')
    run(repo_root, data_root, PROBE, osp.join(repo_root, config), out,
        '--work-dir', str(tmp_path / f'work_{nproc}'), '--cfg-options', *options,
        *QUIET_LOADER, nproc=nproc)
    return torch.load(out)


def assert_same_step(one, two):
    assert one['global_batch'] == two['global_batch'] == 8
    assert (one['per_process'], two['per_process']) == (8, 4)
    assert torch.allclose(one['loss'], two['loss'], rtol=1e-5, atol=1e-7), (one['loss'],
                                                                            two['loss'])
    assert one['grads'].keys() == two['grads'].keys() and len(one['grads']) > 0
    for name, grad in one['grads'].items():
        scale = grad.abs().max().item() + 1e-12
        diff = (grad - two['grads'][name]).abs().max().item()
        assert diff <= 1e-5 * scale + 1e-9, f'{name}: max diff {diff:.3g} vs max |grad| {scale:.3g}'


@pytest.mark.parametrize('config,options', [
    # The reference's frozen batch norm (FixedBatchNorm): per-process batch statistics of a
    # training-mode BN would differ from the global batch's.
    ('configs/cam/cam_toy.py', ['model.backbone.norm_eval=True']),
    # IRN as the reference trains it: frozen backbone, GroupNorm branches; the GT masks
    # stand in for IR labels.
    ('configs/irn/irn_toy.py', ['model.train_backbone=False',
                                'train_dataloader.dataset.data_prefix.seg_map_path='
                                'SegmentationClass']),
    # AMN's PCL loss and DeepLab-v2's balanced CE (pseudo-label training): means over the
    # bg / fg pixels of the global batch. AMN without its dropout (random per process).
    ('configs/amn/amn_toy.py', ['model.backbone.norm_eval=True', 'model.dropout_ratio=0.0',
                                'train_dataloader.dataset.data_prefix.seg_map_path='
                                'SegmentationClass']),
    ('configs/deeplabv2/deeplabv2_toy_pseudo.py', ['model.backbone.norm_eval=True',
                                                   'train_dataloader.dataset.data_prefix.'
                                                   'seg_map_path=SegmentationClass']),
], ids=['cam', 'irn', 'amn_pcl', 'deeplab_balanced_ce'])
def test_two_processes_give_the_loss_and_gradients_of_one(repo_root, tiny_toy, tmp_path,
                                                          config, options):
    options = [*options, 'train_dataloader.batch_size=8']
    one = probe(repo_root, tiny_toy, tmp_path, config, options, nproc=1)
    two = probe(repo_root, tiny_toy, tmp_path, config, options, nproc=2)
    assert_same_step(one, two)


def test_two_process_acr_step_syncs_both_networks(repo_root, tiny_toy, tmp_path):
    """ACR under torchrun: each network is its own DDP (CPUSeparateDistributedDataParallel),
    so after one train_step (both updates) on different halves of the batch the two
    processes still hold the same parameters, moved from their start."""
    out = str(tmp_path / 'acr')
    options = ['model.backbone.init_cfg=None', 'train_dataloader.batch_size=4',
               'model.backbone.norm_eval=True']
    run(repo_root, tiny_toy, PROBE, osp.join(repo_root, 'configs', 'acr', 'acr_toy.py'), out,
        '--work-dir', str(tmp_path / 'work'), '--cfg-options', *options, *QUIET_LOADER,
        nproc=2)
    ranks = [torch.load(f'{out}.rank{r}') for r in (0, 1)]
    assert ranks[0]['wrapper'] == 'CPUSeparateDistributedDataParallel'
    for name, value in ranks[0]['params'].items():
        assert torch.equal(value, ranks[1]['params'][name]), name
    moved = {name.split('.')[0] for name, value in ranks[0]['params'].items()
             if not torch.equal(value, ranks[0]['start'][name])}
    assert moved == {'classifier', 'reconstructor'}


def test_torchrun_training_keeps_the_iterations_per_epoch(repo_root, tiny_toy, tmp_path):
    """16 images at global batch 8: 2 iterations per epoch with 1 process and with 2."""
    from mmengine.runner.checkpoint import _load_checkpoint
    work_dir = str(tmp_path / 'dist_train')
    proc = run(repo_root, tiny_toy, osp.join(repo_root, 'tools', 'train.py'),
               osp.join(repo_root, 'configs', 'cam', 'cam_toy.py'), '--work-dir', work_dir,
               '--cfg-options', 'train_cfg.max_epochs=1', *QUIET_LOADER, nproc=2)
    ckpt = _load_checkpoint(open(osp.join(work_dir, 'last_checkpoint')).read().strip(),
                            map_location='cpu')
    assert ckpt['meta']['iter'] == 2, proc.stdout[-2000:]


def test_torchrun_seed_pass_writes_the_single_process_files(repo_root, tiny_toy, tmp_path):
    from wsss_plugins.datasets import load_config
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS
    config = osp.join(repo_root, 'configs', 'cam', 'cam_toy.py')
    init_default_scope('mmseg')
    torch.manual_seed(0)
    model = MODELS.build(load_config(config).model)
    checkpoint = str(tmp_path / 'random_cam.pth')
    torch.save(dict(state_dict=model.state_dict()), checkpoint)
    outs = {}
    for nproc in (1, 2):
        outs[nproc] = str(tmp_path / f'seeds_{nproc}')
        run(repo_root, tiny_toy, osp.join(repo_root, 'tools', 'make_seeds.py'), config,
            checkpoint, '--method', 'cam', '--split', 'train_aug', '--out', outs[nproc],
            nproc=nproc)
    names = sorted(os.listdir(outs[1]))
    assert len(names) == 16 and names == sorted(os.listdir(outs[2]))
    for name in names:
        a, b = (np.load(osp.join(outs[n], name), allow_pickle=True).item() for n in (1, 2))
        assert torch.equal(a['keys'], b['keys'])
        np.testing.assert_allclose(a['high_res'], b['high_res'], atol=1e-6)


def test_torchrun_ir_label_and_random_walk_passes_shard_and_match(repo_root, tiny_toy,
                                                                 tmp_path):
    """make_ir_labels and make_pseudo_labels under torchrun: each rank writes its share
    through the one per-image runner, rank 0 reports after all are done; same files."""
    from wsss_plugins.datasets import load_config
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS

    from wsss_plugins.utils.seed_io import save_seed
    from PIL import Image
    init_default_scope('mmseg')
    seeds = tmp_path / 'gt_seeds'  # seeds from the ground truth: the CRF has work to do
    seeds.mkdir()
    names = open(osp.join(tiny_toy, 'ImageSets/Segmentation/train_aug.txt')).read().split()
    for name in names:
        gt = np.asarray(Image.open(osp.join(tiny_toy, 'SegmentationClass', name + '.png')))
        keys = np.array(sorted(set(np.unique(gt)) - {0, 255})) - 1
        high = np.stack([(gt == k + 1).astype(np.float32) for k in keys])
        save_seed(str(seeds / f'{name}.npy'), keys, high[:, ::4, ::4], high)
    irn_config = osp.join(repo_root, 'configs', 'irn', 'irn_toy.py')
    torch.manual_seed(0)
    irn = str(tmp_path / 'irn.pth')
    torch.save(dict(state_dict=MODELS.build(load_config(irn_config).model).state_dict()),
               irn)
    outs = {}
    for nproc in (1, 2):
        ir, pseudo = str(tmp_path / f'ir_{nproc}'), str(tmp_path / f'pseudo_{nproc}')
        run(repo_root, tiny_toy, osp.join(repo_root, 'tools', 'make_ir_labels.py'), irn_config,
            '--seeds', str(seeds), '--out', ir, nproc=nproc)
        run(repo_root, tiny_toy, osp.join(repo_root, 'tools', 'make_pseudo_labels.py'),
            irn_config, irn, '--seeds', str(seeds), '--out', pseudo, nproc=nproc)
        outs[nproc] = (ir, pseudo)
    for one, two in zip(outs[1], outs[2]):
        assert os.path.isfile(osp.join(two, 'report.json'))
        for name in names:
            a, b = (np.asarray(Image.open(osp.join(d, name + '.png'))) for d in (one, two))
            np.testing.assert_array_equal(a, b)
