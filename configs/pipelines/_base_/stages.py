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
             deeplab_gt='configs/deeplabv2/deeplabv2_toy.py',
             detector='configs/bbam/faster-rcnn_r18_fpn_toy.py',
             d2_detector='configs/detectron2/faster_rcnn_R_18_FPN_toy.yaml',
             d2_mask_rcnn='configs/detectron2/mask_rcnn_R_18_FPN_toy.yaml',
             mask_rcnn='configs/bbam/mask-rcnn_r18_fpn_toy.py', wood='configs/wood/wood_toy.py',
             acr='configs/acr/acr_toy.py'),
    full=dict(cam='configs/cam/cam_r50_voc.py', amn='configs/amn/amn_r50_voc.py',
              irn='configs/irn/irn_r50_voc.py',
              deeplab='configs/deeplabv2/deeplabv2_r101_voc_pseudo.py',
              deeplab_gt='configs/deeplabv2/deeplabv2_r101_voc_gt.py',
              detector='configs/bbam/faster-rcnn_r101_fpn_voc.py',
              d2_detector='configs/detectron2/faster_rcnn_R_101_FPN_voc.yaml',
              d2_mask_rcnn='configs/detectron2/mask_rcnn_R_101_FPN_voc.yaml',
              mask_rcnn='configs/bbam/mask-rcnn_r101_fpn_voc.py',
              wood='configs/wood/wood_r50_voc.py', acr='configs/acr/acr_wr38_voc.py'),
    full_coco14=dict(cam='configs/cam/cam_r50_coco14.py', amn='configs/amn/amn_r50_coco14.py',
                     irn='configs/irn/irn_r50_coco14.py',
                     deeplab='configs/deeplabv2/deeplabv2_r101_coco14_pseudo.py',
                     deeplab_gt='configs/deeplabv2/deeplabv2_r101_coco14_gt.py',
                     detector='configs/bbam/faster-rcnn_r50_fpn_coco14.py',
                     d2_detector='configs/detectron2/faster_rcnn_R_50_FPN_coco14.yaml',
                     d2_mask_rcnn='configs/detectron2/mask_rcnn_R_50_FPN_coco14.yaml',
                     mask_rcnn='configs/bbam/mask-rcnn_r50_fpn_coco14.py',
                     acr='configs/acr/acr_wr38_coco14.py'))
options = dict(
    # No ImageNet weights at toy size: AMN and IRN start from the toy CAM classifier's
    # backbone, the toy Mask R-CNN from the toy Faster R-CNN. AdvCAM with T=6 climbing steps
    # keeps the CPU demo within its 15 minutes (the reference T=27 is the generator default;
    # the author suggests T=8 for other backbones, AdvCAM #7).
    toy=dict(amn=['load_from={cam.checkpoint}'], irn=['load_from={cam.checkpoint}'],
             wood=['load_from={cam.checkpoint}'],
             acr=['model.backbone.init_cfg.checkpoint={cam.checkpoint}'],
             advcam=['seed_generators.advcam.adv_iter=6'],
             mask_rcnn=['load_from={detector.checkpoint}'],
             mask_rcnn_test=['val_evaluator.1.prediction_dir={out}/predictions']),
    # the VOC-layout Mask R-CNN configs also draw their predictions (InstanceSegMetric)
    full=dict(mask_rcnn_test=['val_evaluator.1.prediction_dir={out}/predictions'],
              wood=['load_from={cam.checkpoint}']),
    full_coco14=dict())
sweep = '0.05:0.60:0.05'
skip = []
instance_split = 'eval_split'
cam_protocol = 'irn'
seed_eval_options = []
# 'preset': the references' fixed thresholds (reproduces the papers); 'calibrated': chosen on
# a calibration split (tools/select_thresholds.py; `calibrated_stages` below join the run and
# DeepLab-v2 trains on their pseudo labels, `pseudo_labels`).
thresholds = 'preset'
calibration_images = dict(toy=30, full=100, full_coco14=100)
calibration_seed = 0
pseudo_labels = '{pseudo.out}'

stage_cam = dict(name='cam', tool='train',
                 args=['{cam_config}', '--dataset', '{dataset}', '--cfg-options', '{cam_options}'])
stage_cam_seeds = dict(
    name='cam_seeds', tool='make_seeds',
    args=['{cam_config}', '{cam.checkpoint}', '--method', 'cam', '--out', '{out}',
          '--dataset', '{dataset}'])
stage_cam_eval = dict(
    name='cam_eval', tool='eval_seeds',
    args=['{dataset}', '--seeds', '{cam_seeds.out}', '--protocol', '{cam_protocol}', '--sweep',
          '{sweep}', '--out', '{out}/report.json', '{seed_eval_options}'])
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
          'train_dataloader.dataset.data_prefix.seg_map_path={pseudo_labels}',
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
# BBAM (box supervision): detector → maps of the training split's boxes → pseudo instances
# and semantic labels → DeepLab-v2 on the semantic ones.
stage_detector = dict(
    name='detector', tool='train',
    args=['{detector_config}', '--dataset', '{dataset}', '--cfg-options', '{detector_options}'])
stage_detector_test = dict(
    name='detector_test', tool='test',
    args=['{detector_config}', '{detector.checkpoint}', '--dataset', '{dataset}'])
stage_bbam = dict(
    name='bbam', tool='make_bbam',
    args=['{bbam_config}', '{detector.checkpoint}', '--out', '{out}', '--dataset',
          '{dataset}', '--cfg-options', '{bbam_options}'])
stage_bbam_labels = dict(
    name='bbam_labels', tool='make_bbam_labels',
    args=['{bbam_config}', '--seeds', '{bbam.out}', '--out', '{out}', '--dataset',
          '{dataset}', '--cfg-options', '{bbam_options}'])
stage_bbam_deeplab = dict(
    name='deeplab', tool='train',
    args=['{deeplab_config}', '--dataset', '{dataset}', '--cfg-options',
          'train_dataloader.dataset.data_prefix.seg_map_path={bbam_labels.out}/semantic',
          '{deeplab_options}'])
# Mask R-CNN on the BBAM pseudo instances (th 0.85 masks, th 0.2 ignore regions), on the
# filled boxes and on the ground-truth instances (the upper bound); tested with mAP^r / ABO
# (InstanceSegMetric) and COCO box / mask AP, the predictions drawn for the report.
_bbam_json = '{bbam_labels.out}/instances_'
stage_mask_rcnn = dict(
    name='mask_rcnn', tool='train',
    args=['{mask_rcnn_config}', '--dataset', '{dataset}', '--cfg-options',
          f'train_dataloader.dataset.ann_file={_bbam_json}th0.85.json',
          f'train_dataloader.dataset.ignore_ann_file={_bbam_json}th0.2.json',
          '{mask_rcnn_options}'])
stage_mask_rcnn_box = dict(
    name='mask_rcnn_box', tool='train',
    args=['{mask_rcnn_config}', '--dataset', '{dataset}', '--cfg-options',
          f'train_dataloader.dataset.ann_file={_bbam_json}box.json', '{mask_rcnn_options}'])
stage_mask_rcnn_gt = dict(
    name='mask_rcnn_gt', tool='train',
    args=['{mask_rcnn_config}', '--dataset', '{dataset}', '--cfg-options',
          '{mask_rcnn_options}'])
stage_mask_rcnn_test, stage_mask_rcnn_box_test, stage_mask_rcnn_gt_test = (dict(
    name=f'{name}_test', tool='test',
    args=['{mask_rcnn_config}', f'{{{name}.checkpoint}}', '--dataset', '{dataset}',
          '--cfg-options', '{mask_rcnn_test_options}'])
    for name in ('mask_rcnn', 'mask_rcnn_box', 'mask_rcnn_gt'))
# BBAM in Detectron2 (tools/d2_train.py: Detectron2's config, trainer and launcher; options
# are KEY VALUE pairs): its Faster R-CNN → BBAM through the Detectron2 adapter ({bbam_config}
# = a configs/bbam/bbam_d2_*.py) → the same labels → its Mask R-CNN on the BBAM instances and
# on the filled boxes.
stage_d2_detector = dict(name='detector', tool='d2_train',
                         args=['{d2_detector_config}', '--dataset', '{dataset}',
                               '{d2_detector_options}'])
stage_d2_detector_test = dict(
    name='detector_test', tool='d2_train',
    args=['{d2_detector_config}', '--dataset', '{dataset}', '--eval-only', '--weights',
          '{detector.checkpoint}'])
stage_d2_mask_rcnn = dict(
    name='mask_rcnn', tool='d2_train',
    args=['{d2_mask_rcnn_config}', '--dataset', '{dataset}', 'WSSS.TRAIN_JSON',
          f'{_bbam_json}th0.85.json', 'WSSS.IGNORE_JSON', f'{_bbam_json}th0.2.json',
          '{d2_mask_rcnn_options}'])
stage_d2_mask_rcnn_box = dict(
    name='mask_rcnn_box', tool='d2_train',
    args=['{d2_mask_rcnn_config}', '--dataset', '{dataset}', 'WSSS.TRAIN_JSON',
          f'{_bbam_json}box.json', '{d2_mask_rcnn_options}'])
stage_d2_mask_rcnn_test, stage_d2_mask_rcnn_box_test = (dict(
    name=f'{name}_test', tool='d2_train',
    args=['{d2_mask_rcnn_config}', '--dataset', '{dataset}', '--eval-only', '--weights',
          f'{{{name}.checkpoint}}', '{d2_mask_rcnn_test_options}'])
    for name in ('mask_rcnn', 'mask_rcnn_box'))
# W-OoD: the CAM classifier fine-tuned with OoD images → its CAM seeds (scored as the
# reference: best of 0.08-0.14) → AdvCAM on it → IR labels / IRN / random walk (wood presets).
stage_wood = dict(
    name='wood', tool='train',
    args=['{wood_config}', '--dataset', '{dataset}', '--cfg-options', '{wood_options}'])
stage_wood_seeds = dict(
    name='wood_seeds', tool='make_seeds',
    args=['{wood_config}', '{wood.checkpoint}', '--method', 'cam', '--out', '{out}',
          '--dataset', '{dataset}'])
stage_wood_eval = dict(
    name='wood_eval', tool='eval_seeds',
    args=['{dataset}', '--seeds', '{wood_seeds.out}', '--protocol', 'wood', '--sweep',
          '{sweep}', '--out', '{out}/report.json', '{seed_eval_options}'])
stage_wood_advcam_seeds = dict(
    name='wood_advcam_seeds', tool='make_seeds',
    args=['{wood_config}', '{wood.checkpoint}', '--method', 'advcam', '--out', '{out}',
          '--dataset', '{dataset}', '--cfg-options', '{advcam_options}'])
stage_wood_advcam_eval = dict(
    name='wood_advcam_eval', tool='eval_seeds',
    args=['{dataset}', '--seeds', '{wood_advcam_seeds.out}', '--protocol', 'advcam', '--sweep',
          '{sweep}', '--out', '{out}/report.json', '{seed_eval_options}'])
stage_wood_ir = dict(
    name='wood_ir', tool='make_ir_labels',
    args=['{dataset}', '--seeds', '{wood_advcam_seeds.out}', '--preset', 'wood', '--out',
          '{out}'])

# ACR (methods.md §5): classifier vs reconstructor (its own init: ImageNet ResNet-38d; the
# toy: the toy CAM), its seeds, their evaluation (ACR's sweep 0.00-0.09 as the protocol),
# the reconstructions figure (Fig. A6), and IR labels with IRN's thresholds (ACR has none).
stage_acr = dict(
    name='acr', tool='train',
    args=['{acr_config}', '--dataset', '{dataset}', '--cfg-options', '{acr_options}'])
stage_acr_seeds = dict(
    name='acr_seeds', tool='make_seeds',
    args=['{acr_config}', '{acr.checkpoint}', '--method', 'acr', '--out', '{out}',
          '--dataset', '{dataset}'])
stage_acr_eval = dict(
    name='acr_eval', tool='eval_seeds',
    args=['{dataset}', '--seeds', '{acr_seeds.out}', '--protocol', 'acr', '--sweep',
          '{sweep}', '--out', '{out}/report.json', '{seed_eval_options}'])
stage_acr_figure = dict(
    name='acr_figure', tool='show_reconstructions',
    args=['{acr_config}', '{acr.checkpoint}', '--out', '{out}', '--dataset', '{dataset}'])
stage_acr_ir = dict(
    name='acr_ir', tool='make_ir_labels',
    args=['{dataset}', '--seeds', '{acr_seeds.out}', '--preset', 'acr', '--out', '{out}'])

# IRN's instance pass (image-level labels): seeds + IRN → pseudo instances and the baseline
# without the displacement field, both scored on `instance_split`; a standard Mask R-CNN
# (MMDetection's mask loss: no ignore regions) trained on the pseudo instances.
stage_instances = dict(
    name='instances', tool='make_instance_labels',
    args=['{irn_config}', '{irn.checkpoint}', '--seeds', '{seeds}', '--preset', '{rw_preset}',
          '--baseline', '--out', '{out}', '--dataset', '{dataset}'])
stage_instances_eval = dict(
    name='instances_eval', tool='eval_instances',
    args=['{irn_config}', '--instances', '{instances.out}', '--split', '{instance_split}',
          '--out', '{out}/report.json', '--dataset', '{dataset}'])
stage_components_eval = dict(
    name='components_eval', tool='eval_instances',
    args=['{irn_config}', '--instances', '{instances.out}/components', '--split',
          '{instance_split}', '--out', '{out}/report.json', '--dataset', '{dataset}'])
stage_mask_rcnn_irn = dict(
    name='mask_rcnn', tool='train',
    args=['{mask_rcnn_config}', '--dataset', '{dataset}', '--cfg-options',
          'train_dataloader.dataset.ann_file={instances.out}/instances.json',
          'model.roi_head.mask_head.seed_growing=False', '{mask_rcnn_options}'])

# Calibrated thresholds (thresholds='calibrated'): a calibration split held out from every
# reported split → the seed threshold on it → the IR-label pair around it → IR labels and an
# IRN trained on them → the random walk's threshold and power → calibrated pseudo labels;
# the preset chain's seeds are scored again at the calibrated threshold, the calibrated
# pseudo labels on the same split as the preset ones, and the walk's grid on that split for
# the robustness figure. The loader inserts these before the stage reading
# {pseudo_labels} (DeepLab-v2).
_select = ['--seeds', '{seeds}', '--calibration', '{calibration.out}/calibration.txt',
           '--protocol', '{rw_preset}']
calibrated_stages = [
    dict(name='calibration', tool='select_thresholds',
         args=['split', '{dataset}', '--num-images', '{calibration_images}', '--seed',
               '{calibration_seed}', '--out', '{out}']),
    dict(name='select_seed', tool='select_thresholds',
         args=['seed', '{dataset}', *_select, '--out', '{out}']),
    dict(name='select_ir', tool='select_thresholds',
         args=['ir_label', '{dataset}', *_select, '--selected',
               '{select_seed.out}/thresholds.json', '--out', '{out}']),
    dict(name='cal_ir', tool='make_ir_labels',
         args=['{dataset}', '--seeds', '{seeds}', '--thresholds',
               '{select_ir.out}/thresholds.json', '--out', '{out}']),
    dict(name='cal_irn', tool='train',
         args=['{irn_config}', '--dataset', '{dataset}', '--cfg-options',
               'train_dataloader.dataset.data_prefix.seg_map_path={cal_ir.out}',
               '{irn_options}']),
    dict(name='select_rw', tool='select_thresholds',
         args=['random_walk', '{irn_config}', '{cal_irn.checkpoint}', '--dataset', '{dataset}',
               *_select, '--selected', '{select_ir.out}/thresholds.json', '--out', '{out}']),
    dict(name='cal_pseudo', tool='make_pseudo_labels',
         args=['{irn_config}', '{cal_irn.checkpoint}', '--seeds', '{seeds}', '--thresholds',
               '{select_rw.out}/thresholds.json', '--out', '{out}', '--dataset', '{dataset}']),
    dict(name='cal_pseudo_eval', tool='eval_labels',
         args=['{dataset}', '--labels', '{cal_pseudo.out}', '--out', '{out}/report.json']),
    dict(name='cal_seed_eval', tool='eval_seeds',
         args=['{dataset}', '--seeds', '{seeds}', '--protocol', '{rw_preset}', '--sweep',
               '{sweep}', '--thresholds', '{select_seed.out}/thresholds.json', '--out',
               '{out}/report.json', '{seed_eval_options}']),
    dict(name='rw_robustness', tool='select_thresholds',
         args=['random_walk', '{irn_config}', '{cal_irn.checkpoint}', '--dataset', '{dataset}',
               '--seeds', '{seeds}', '--split', '{eval_split}', '--protocol', '{rw_preset}',
               '--out', '{out}'])]
# The report's calibration section: the preset and the calibrated result side by side on the
# evaluation split, the selected values, the selection curves and the robustness figure.
calibration_report = dict(
    results=[
        dict(label='seed mIoU', preset=('{cal_seed_eval.out}/report.json', 'protocol.mIoU'),
             calibrated=('{cal_seed_eval.out}/report.json', 'calibrated.mIoU')),
        dict(label='IR labels: mIoU (255 as background)',
             preset=('{ir_labels}/report.json', 'mIoU'),
             calibrated=('{cal_ir.out}/report.json', 'mIoU')),
        dict(label='IR labels: uncertain pixels',
             preset=('{ir_labels}/report.json', 'uncertain_fraction'),
             calibrated=('{cal_ir.out}/report.json', 'uncertain_fraction')),
        dict(label='IR labels: accuracy of the confident pixels',
             preset=('{ir_labels}/report.json', 'confident_accuracy'),
             calibrated=('{cal_ir.out}/report.json', 'confident_accuracy')),
        dict(label='pseudo-mask mIoU (random walk)',
             preset=('{pseudo_eval.out}/report.json', 'mIoU'),
             calibrated=('{cal_pseudo_eval.out}/report.json', 'mIoU'))],
    thresholds='{select_rw.out}/thresholds.json',
    curves=['{select_seed.out}/curve.png', '{select_ir.out}/curve.png',
            '{select_rw.out}/curve.png'],
    robustness=dict(calibration='{select_rw.out}/curve.json',
                    evaluation='{rw_robustness.out}/curve.json'))

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
row_detector = dict(label='detector box mAP (val)', file='{detector_test.out}/test_metrics.json',
                    key='coco/bbox_mAP', scale=100)
# BBAM's pseudo labels of the training split against its ground truth, beside the baselines
# (the same overlap rules): every box filled; each box through the CRF without a map.
row_bbam_instances = dict(label='BBAM pseudo instances: mean IoU with the GT instances',
                          file='{bbam_labels.out}/report.json', key='instance_mean_iou',
                          scale=100)
row_box_instances = dict(label='filled boxes: mean IoU with the GT instances',
                         file='{bbam_labels.out}/report.json', key='box_instance_mean_iou',
                         scale=100)
row_box_crf_instances = dict(label='boxes through the CRF, no map: mean IoU with the GT '
                                   'instances', file='{bbam_labels.out}/report.json',
                             key='box_crf_instance_mean_iou', scale=100)
row_bbam_semantic = dict(label='BBAM semantic pseudo labels mIoU',
                         file='{bbam_labels.out}/report.json', key='semantic.mIoU', scale=100)
row_box_semantic = dict(label='filled-box semantic labels mIoU',
                        file='{bbam_labels.out}/report.json', key='box_semantic.mIoU',
                        scale=100)
row_box_crf_semantic = dict(label='box-CRF semantic labels mIoU (no map)',
                            file='{bbam_labels.out}/report.json', key='box_crf_semantic.mIoU',
                            scale=100)
row_bbam_all_background = dict(label='all-background baseline mIoU (the training split)',
                               file='{bbam_labels.out}/report.json',
                               key='semantic.all_background_mIoU', scale=100)
row_deeplab_bbam = dict(label='DeepLab-v2 val mIoU (BBAM pseudo labels)',
                        file='{deeplab_test.out}/test_metrics.json', key='mIoU')
_mask_metrics = '{mask_rcnn_test.out}/test_metrics.json'
row_mask_rcnn = [dict(label=f'Mask R-CNN (BBAM pseudo instances) val mAP^r@{t / 100:g} (SDS)',
                      file=_mask_metrics, key=f'instance/sds_mAPr_{t}') for t in (25, 50, 70, 75)]
row_mask_rcnn_abo = dict(label='Mask R-CNN (BBAM pseudo instances) val ABO', file=_mask_metrics,
                         key='instance/ABO')
row_mask_rcnn_box = [dict(label=f'Mask R-CNN (filled boxes) val mAP^r@{t / 100:g} (SDS)',
                          file='{mask_rcnn_box_test.out}/test_metrics.json',
                          key=f'instance/sds_mAPr_{t}') for t in (50, 75)]
row_mask_rcnn_gt = [dict(label=f'Mask R-CNN (ground truth, upper bound) val mAP^r@{t / 100:g} '
                               '(SDS)',
                         file='{mask_rcnn_gt_test.out}/test_metrics.json',
                         key=f'instance/sds_mAPr_{t}') for t in (50, 75)]
row_mask_rcnn_coco = dict(label='Mask R-CNN (BBAM pseudo instances) val mask AP (COCO)',
                          file=_mask_metrics, key='coco/segm_mAP', scale=100)
row_d2_detector = dict(label='Detectron2 detector box AP (val, COCO)',
                       file='{detector_test.out}/test_metrics.json', key='bbox/AP')
row_d2_mask_rcnn_coco = dict(label='Mask R-CNN (BBAM pseudo instances) val mask AP (COCO)',
                             file=_mask_metrics, key='segm/AP')
row_deeplab_gt = dict(label='DeepLab-v2 val mIoU (ground truth, upper bound)',
                      file='{deeplab_gt_test.out}/test_metrics.json', key='mIoU')
# IRN's instance pass: chainercv mAP^r (IRN's protocol: IoU >= t, no fallback to the next GT)
row_instances = [dict(label=f'IRN pseudo instances mAP^r@{t / 100:g} (chainercv)',
                      file='{instances_eval.out}/report.json', key=f'chainercv_mAPr_{t}')
                 for t in (50, 75)]
row_components = [dict(label=f'baseline, a connected component = an instance: mAP^r@{t / 100:g} '
                             '(chainercv)', file='{components_eval.out}/report.json',
                       key=f'chainercv_mAPr_{t}') for t in (50, 75)]
row_mask_rcnn_irn = [dict(label=f'Mask R-CNN (IRN pseudo instances) val mAP^r@{t / 100:g} '
                                '(chainercv)', file=_mask_metrics,
                          key=f'instance/chainercv_mAPr_{t}') for t in (50, 70, 75)]
# W-OoD against the CAM seeds it starts from, under W-OoD's protocol (best of 0.08-0.14):
# mIoU, mean precision / recall over the classes, and (context toy) the share of the
# class-correlated background bands called foreground
row_cam_vs_wood = [
    dict(label=f'{name} seeds (W-OoD protocol): {what}', file=f'{{{stage}.out}}/report.json',
         key=f'protocol.{key}', scale=100)
    for key, what in (('mIoU', 'mIoU'), ('mean_precision', 'mean precision'),
                      ('mean_recall', 'mean recall'),
                      ('region_fg_rate', 'context pixels called foreground'))
    for name, stage in (('CAM', 'cam_eval'), ('W-OoD', 'wood_eval'))]
row_cam_vs_acr = [
    dict(label=f'{name} seed mIoU, best of the sweep', file=f'{{{stage}.out}}/report.json',
         key='best.mIoU', scale=100)
    for name, stage in (('CAM', 'cam_eval'), ('ACR', 'acr_eval'))]
row_acr = dict(label='ACR seed mIoU, ACR protocol', file='{acr_eval.out}/report.json',
               key='protocol.mIoU', scale=100)
row_wood_advcam = dict(label='AdvCAM on the W-OoD classifier: seed mIoU, AdvCAM protocol',
                       file='{wood_advcam_eval.out}/report.json', key='protocol.mIoU',
                       scale=100)
