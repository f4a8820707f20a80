# AMN pipeline (methods.md §4.1): CAM → IR labels (0.30/0.05) → AMN → AMN seeds →
# IR labels (0.45/0.15) → IRN → random walk (cam^1.3) → DeepLab-v2; AdvCAM seeds and the
# fully supervised DeepLab-v2 as comparisons (list them in `skip` to leave them out).
_base_ = './_base_/stages.py'
ir_labels = '{amn_ir.out}'
seeds = '{amn_seeds.out}'
rw_preset = 'amn'
amn_preset = 'amn'
advcam_split = 'eval_split'  # a comparison: scored, not refined
stages = [
    {{_base_.stage_cam}}, {{_base_.stage_cam_seeds}}, {{_base_.stage_cam_eval}},
    {{_base_.stage_advcam_seeds}}, {{_base_.stage_advcam_eval}},
    {{_base_.stage_cam_ir}}, {{_base_.stage_amn}}, {{_base_.stage_amn_seeds}},
    {{_base_.stage_amn_eval}}, {{_base_.stage_amn_ir}}, {{_base_.stage_irn}},
    {{_base_.stage_pseudo}}, {{_base_.stage_pseudo_eval}}, {{_base_.stage_deeplab}},
    {{_base_.stage_deeplab_test}}, {{_base_.stage_deeplab_gt}}, {{_base_.stage_deeplab_gt_test}}
]
report = dict(
    table=[{{_base_.row_all_background}}, {{_base_.row_cam}}, {{_base_.row_cam_best}},
           {{_base_.row_advcam}}, {{_base_.row_advcam_best}}, {{_base_.row_amn}},
           {{_base_.row_amn_best}}, {{_base_.row_ir}}, {{_base_.row_ir_uncertain}},
           {{_base_.row_ir_accuracy}}, {{_base_.row_pseudo}}, {{_base_.row_deeplab}},
           {{_base_.row_deeplab_gt}}],
    curves=[dict(label='CAM', file='{cam_eval.out}/report.json'),
            dict(label='AdvCAM', file='{advcam_eval.out}/report.json'),
            dict(label='AMN', file='{amn_eval.out}/report.json')],
    per_class=[dict(label='CAM seeds', file='{cam_eval.out}/report.json', key='best.per_class'),
               dict(label='AMN seeds', file='{amn_eval.out}/report.json', key='best.per_class'),
               dict(label='pseudo masks', file='{pseudo_eval.out}/report.json',
                    key='per_class')],
    overlays=dict(dataset='{dataset}', split='{eval_split}', num_images=4, columns=[
        dict(label='CAM seeds', seeds='{cam_seeds.out}',
             evaluation='{cam_eval.out}/report.json'),
        dict(label='AdvCAM seeds', seeds='{advcam_seeds.out}',
             evaluation='{advcam_eval.out}/report.json'),
        dict(label='AMN seeds', seeds='{amn_seeds.out}',
             evaluation='{amn_eval.out}/report.json'),
        dict(label='pseudo masks', labels='{pseudo.out}')]))
