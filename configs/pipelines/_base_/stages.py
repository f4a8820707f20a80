# The stage library of every WSSS pipeline (tools/run_pipeline.py). Each stage is one call
# of a package tool; placeholders are filled from the pipeline's variables (set by
# amn.py / advcam.py / cam_irn.py and the per-dataset files) and from earlier stages'
# outputs ({<stage>.out}, {<stage>.checkpoint}). Pipelines list the stages they run.

# Variables every pipeline sets (per dataset):
#   work_dir, dataset_config, cam_config, amn_config, irn_config, deeplab_config,
#   deeplab_gt_config, mask_split (seeds/masks that train the next stage: train_aug),
#   eval_split (seed/mask evaluation: VOC train 1,464), sweep, and the option lists
#   irn_options / amn_options / deeplab_options (extra --cfg-options, may be empty) and
#   advcam_options (extra make_seeds arguments).
stage_cam = dict(name='cam', tool='train', args=['{cam_config}'])
stage_cam_seeds = dict(
    name='cam_seeds', tool='make_seeds',
    args=['{cam_config}', '{cam.checkpoint}', '--method', 'cam', '--split', '{mask_split}',
          '--out', '{out}'])
stage_cam_eval = dict(
    name='cam_eval', tool='eval_seeds',
    args=['{cam_seeds.out}', '--config', '{dataset_config}', '--split', '{eval_split}',
          '--protocol', 'irn', '--sweep', '{sweep}', '--out', '{out}/report.json'])
# AdvCAM (T=27 climbs per class and scale) on the evaluation split.
stage_advcam_seeds = dict(
    name='advcam_seeds', tool='make_seeds',
    args=['{cam_config}', '{cam.checkpoint}', '--method', 'advcam', '--split',
          '{advcam_split}', '--out', '{out}', '{advcam_options}'])
stage_advcam_eval = dict(
    name='advcam_eval', tool='eval_seeds',
    args=['{advcam_seeds.out}', '--config', '{dataset_config}', '--split', '{eval_split}',
          '--protocol', 'advcam', '--sweep', '{sweep}', '--out', '{out}/report.json'])
stage_cam_ir = dict(
    name='cam_ir', tool='make_ir_labels',
    args=['{cam_seeds.out}', '--config', '{dataset_config}', '--split', '{mask_split}',
          '--preset', 'irn', '--out', '{out}'])
stage_advcam_ir = dict(
    name='advcam_ir', tool='make_ir_labels',
    args=['{advcam_seeds.out}', '--config', '{dataset_config}', '--split', '{mask_split}',
          '--preset', 'advcam', '--out', '{out}'])
stage_amn = dict(
    name='amn', tool='train',
    args=['{amn_config}', '--cfg-options',
          'train_dataloader.dataset.data_prefix.seg_map_path={cam_ir.out}', '{amn_options}'])
stage_amn_seeds = dict(
    name='amn_seeds', tool='make_seeds',
    args=['{amn_config}', '{amn.checkpoint}', '--method', 'amn', '--split', '{mask_split}',
          '--out', '{out}', '--cfg-options', 'seed_generators.amn.ir_label_dir={cam_ir.out}'])
stage_amn_eval = dict(
    name='amn_eval', tool='eval_seeds',
    args=['{amn_seeds.out}', '--config', '{dataset_config}', '--split', '{eval_split}',
          '--protocol', 'amn', '--sweep', '{sweep}', '--out', '{out}/report.json'])
stage_amn_ir = dict(
    name='amn_ir', tool='make_ir_labels',
    args=['{amn_seeds.out}', '--config', '{dataset_config}', '--split', '{mask_split}',
          '--preset', '{amn_preset}', '--out', '{out}'])
stage_irn = dict(
    name='irn', tool='train',
    args=['{irn_config}', '--cfg-options',
          'train_dataloader.dataset.data_prefix.seg_map_path={ir_labels}', '{irn_options}'])
stage_pseudo = dict(
    name='pseudo', tool='make_pseudo_labels',
    args=['{seeds}', '{irn_config}', '{irn.checkpoint}', '--data-config', '{dataset_config}',
          '--split', '{mask_split}', '--preset', '{rw_preset}', '--out', '{out}'])
stage_pseudo_eval = dict(
    name='pseudo_eval', tool='eval_labels',
    args=['{pseudo.out}', '--config', '{dataset_config}', '--split', '{eval_split}',
          '--out', '{out}/report.json'])
stage_deeplab = dict(
    name='deeplab', tool='train',
    args=['{deeplab_config}', '--cfg-options',
          'train_dataloader.dataset.data_prefix.seg_map_path={pseudo.out}',
          '{deeplab_options}'])
stage_deeplab_test = dict(
    name='deeplab_test', tool='test',
    args=['{deeplab_config}', '{deeplab.checkpoint}'])
stage_deeplab_gt = dict(
    name='deeplab_gt', tool='train', args=['{deeplab_gt_config}', '{deeplab_options}'])
stage_deeplab_gt_test = dict(
    name='deeplab_gt_test', tool='test',
    args=['{deeplab_gt_config}', '{deeplab_gt.checkpoint}'])

# Report rows shared by the pipelines.
# Seed rows: the reference protocol's number (utils/protocols.py; comparable with
# methods.md §8) and the best threshold of the sweep, selected with the ground truth.
row_cam = dict(label='CAM seed mIoU, IRN protocol',
               file='{cam_eval.out}/report.json', key='protocol.mIoU', scale=100)
row_cam_best = dict(label='CAM seed mIoU, best of the sweep',
                    file='{cam_eval.out}/report.json', key='best.mIoU', scale=100)
row_advcam = dict(label='AdvCAM seed mIoU, AdvCAM protocol',
                  file='{advcam_eval.out}/report.json', key='protocol.mIoU', scale=100)
row_advcam_best = dict(label='AdvCAM seed mIoU, best of the sweep',
                       file='{advcam_eval.out}/report.json', key='best.mIoU', scale=100)
row_amn = dict(label='AMN seed mIoU, AMN protocol',
               file='{amn_eval.out}/report.json', key='protocol.mIoU', scale=100)
row_amn_best = dict(label='AMN seed mIoU, best of the sweep',
                    file='{amn_eval.out}/report.json', key='best.mIoU', scale=100)
row_pseudo = dict(label='pseudo-mask mIoU (random walk)', file='{pseudo_eval.out}/report.json',
                  key='mIoU', scale=100)
row_deeplab = dict(label='DeepLab-v2 val mIoU (pseudo labels)',
                   file='{deeplab_test.out}/test_metrics.json', key='mIoU')
row_deeplab_gt = dict(label='DeepLab-v2 val mIoU (ground truth, upper bound)',
                      file='{deeplab_gt_test.out}/test_metrics.json', key='mIoU')
