# IRN pipeline (methods.md §1): CAM → IR labels (0.30/0.05) → IRN → random walk → DeepLab-v2.
_base_ = './_base_/stages.py'
ir_labels = '{cam_ir.out}'
seeds = '{cam_seeds.out}'
rw_preset = 'irn'
stages = [
    {{_base_.stage_cam}}, {{_base_.stage_cam_seeds}}, {{_base_.stage_cam_eval}},
    {{_base_.stage_cam_ir}}, {{_base_.stage_irn}}, {{_base_.stage_pseudo}},
    {{_base_.stage_pseudo_eval}}, {{_base_.stage_deeplab}}, {{_base_.stage_deeplab_test}}
]
report = dict(
    table=[{{_base_.row_all_background}}, {{_base_.row_cam}}, {{_base_.row_cam_best}},
           {{_base_.row_ir}}, {{_base_.row_ir_uncertain}}, {{_base_.row_ir_accuracy}},
           {{_base_.row_pseudo}}, {{_base_.row_deeplab}}],
    curves=[dict(label='CAM', file='{cam_eval.out}/report.json')],
    per_class=[dict(label='CAM seeds', file='{cam_eval.out}/report.json', key='best.per_class'),
               dict(label='pseudo masks', file='{pseudo_eval.out}/report.json',
                    key='per_class')],
    overlays=dict(dataset='{dataset}', split='{eval_split}', num_images=4, columns=[
        dict(label='CAM seeds', seeds='{cam_seeds.out}',
             evaluation='{cam_eval.out}/report.json'),
        dict(label='pseudo masks', labels='{pseudo.out}')]))
