# The stage library of every WSSS pipeline (tools/run_pipeline.py). Each stage is one call
# of a package tool; placeholders are filled from the pipeline's variables (declared in
# wsss_plugins/pipeline/config.py PIPELINE_VARIABLES, checked by --list) and from earlier
# stages' outputs ({<stage>.out}, {<stage>.checkpoint}). Every stage runs on `dataset`;
# {cam_config}/{cam_options}, ... come from `configs[size]`/`options[size]`; the split roles
# are the dataset's (the passes default to its train_split, the evaluators to its eval_split).
dataset = 'configs/_base_/datasets/toy_voc.py'
# toy: CPU-sized models; full: the references' VOC recipes (any VOC-like dataset);
# full_coco14: their COCO recipes.
size = 'toy'
configs = dict(
    toy=dict(cam='configs/cam/cam_toy.py', amn='configs/amn/amn_toy.py',
             irn='configs/irn/irn_toy.py', deeplab='configs/deeplabv2/deeplabv2_toy_pseudo.py',
             deeplab_gt='configs/deeplabv2/deeplabv2_toy.py'),
    full=dict(cam='configs/cam/cam_r50_voc.py', amn='configs/amn/amn_r50_voc.py',
              irn='configs/irn/irn_r50_voc.py',
              deeplab='configs/deeplabv2/deeplabv2_r101_voc_pseudo.py',
              deeplab_gt='configs/deeplabv2/deeplabv2_r101_voc_gt.py'),
    full_coco14=dict(cam='configs/cam/cam_r50_coco14.py', amn='configs/amn/amn_r50_coco14.py',
                     irn='configs/irn/irn_r50_coco14.py',
                     deeplab='configs/deeplabv2/deeplabv2_r101_coco14_pseudo.py',
                     deeplab_gt='configs/deeplabv2/deeplabv2_r101_coco14_gt.py'))
options = dict(
    # No ImageNet weights at toy size: AMN and IRN start from the toy CAM classifier's
    # backbone. AdvCAM with T=6 climbing steps keeps the CPU demo within its 15 minutes (the
    # reference T=27 is the generator default; the author suggests T=8 for other backbones,
    # AdvCAM #7).
    toy=dict(amn=['load_from={cam.checkpoint}'], irn=['load_from={cam.checkpoint}'],
             advcam=['seed_generators.advcam.adv_iter=6']),
    full=dict(), full_coco14=dict())
sweep = '0.05:0.60:0.05'
skip = []

stage_cam = dict(name='cam', tool='train',
                 args=['{cam_config}', '--dataset', '{dataset}', '--cfg-options', '{cam_options}'])
stage_cam_seeds = dict(
    name='cam_seeds', tool='make_seeds',
    args=['{cam_config}', '{cam.checkpoint}', '--method', 'cam', '--out', '{out}',
          '--dataset', '{dataset}'])
stage_cam_eval = dict(
    name='cam_eval', tool='eval_seeds',
    args=['{dataset}', '--seeds', '{cam_seeds.out}', '--protocol', 'irn', '--sweep', '{sweep}',
          '--out', '{out}/report.json'])
stage_advcam_seeds = dict(
    name='advcam_seeds', tool='make_seeds',
    args=['{cam_config}', '{cam.checkpoint}', '--method', 'advcam', '--split', '{advcam_split}',
          '--out', '{out}', '--dataset', '{dataset}', '--cfg-options', '{advcam_options}'])
stage_advcam_eval = dict(
    name='advcam_eval', tool='eval_seeds',
    args=['{dataset}', '--seeds', '{advcam_seeds.out}', '--protocol', 'advcam', '--sweep',
          '{sweep}', '--out', '{out}/report.json'])
stage_cam_ir = dict(
    name='cam_ir', tool='make_ir_labels',
    args=['{dataset}', '--seeds', '{cam_seeds.out}', '--preset', 'irn', '--out', '{out}'])
stage_advcam_ir = dict(
    name='advcam_ir', tool='make_ir_labels',
    args=['{dataset}', '--seeds', '{advcam_seeds.out}', '--preset', 'advcam', '--out', '{out}'])
stage_amn = dict(
    name='amn', tool='train',
    args=['{amn_config}', '--dataset', '{dataset}', '--cfg-options',
          'train_dataloader.dataset.data_prefix.seg_map_path={cam_ir.out}', '{amn_options}'])
stage_amn_seeds = dict(
    name='amn_seeds', tool='make_seeds',
    args=['{amn_config}', '{amn.checkpoint}', '--method', 'amn', '--out', '{out}',
          '--dataset', '{dataset}', '--cfg-options',
          'seed_generators.amn.ir_label_dir={cam_ir.out}'])
stage_amn_eval = dict(
    name='amn_eval', tool='eval_seeds',
    args=['{dataset}', '--seeds', '{amn_seeds.out}', '--protocol', 'amn', '--sweep', '{sweep}',
          '--out', '{out}/report.json'])
stage_amn_ir = dict(
    name='amn_ir', tool='make_ir_labels',
    args=['{dataset}', '--seeds', '{amn_seeds.out}', '--preset', '{amn_preset}', '--out',
          '{out}'])
stage_irn = dict(
    name='irn', tool='train',
    args=['{irn_config}', '--dataset', '{dataset}', '--cfg-options',
          'train_dataloader.dataset.data_prefix.seg_map_path={ir_labels}', '{irn_options}'])
stage_pseudo = dict(
    name='pseudo', tool='make_pseudo_labels',
    args=['{irn_config}', '{irn.checkpoint}', '--seeds', '{seeds}', '--preset', '{rw_preset}',
          '--out', '{out}', '--dataset', '{dataset}'])
stage_pseudo_eval = dict(
    name='pseudo_eval', tool='eval_labels',
    args=['{dataset}', '--labels', '{pseudo.out}', '--out', '{out}/report.json'])
stage_deeplab = dict(
    name='deeplab', tool='train',
    args=['{deeplab_config}', '--dataset', '{dataset}', '--cfg-options',
          'train_dataloader.dataset.data_prefix.seg_map_path={pseudo.out}',
          '{deeplab_options}'])
stage_deeplab_test = dict(
    name='deeplab_test', tool='test',
    args=['{deeplab_config}', '{deeplab.checkpoint}', '--dataset', '{dataset}'])
stage_deeplab_gt = dict(
    name='deeplab_gt', tool='train',
    args=['{deeplab_gt_config}', '--dataset', '{dataset}', '--cfg-options',
          '{deeplab_gt_options}'])
stage_deeplab_gt_test = dict(
    name='deeplab_gt_test', tool='test',
    args=['{deeplab_gt_config}', '{deeplab_gt.checkpoint}', '--dataset', '{dataset}'])

# Report rows shared by the pipelines.
# Seed rows: the reference protocol's number (utils/protocols.py; comparable with
# methods.md §8) and the best threshold of the sweep, selected with the ground truth.
row_cam = dict(label='CAM seed mIoU, IRN protocol',
               file='{cam_eval.out}/report.json', key='protocol.mIoU', scale=100)
row_cam_best = dict(label='CAM seed mIoU, best of the sweep',
                    file='{cam_eval.out}/report.json', key='best.mIoU', scale=100)
row_all_background = dict(label='all-background baseline mIoU (the evaluation split)',
                          file='{pseudo_eval.out}/report.json', key='all_background_mIoU',
                          scale=100)
# The IR labels IRN trains on (`ir_labels`), scored on the training split's ground truth.
row_ir = dict(label='IR labels: mIoU (255 as background)', file='{ir_labels}/report.json',
              key='mIoU', scale=100)
row_ir_uncertain = dict(label='IR labels: uncertain pixels (%)', file='{ir_labels}/report.json',
                        key='uncertain_fraction', scale=100)
row_ir_accuracy = dict(label='IR labels: accuracy of the confident pixels (%)',
                       file='{ir_labels}/report.json', key='confident_accuracy', scale=100)
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
