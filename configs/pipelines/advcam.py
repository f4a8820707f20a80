# AdvCAM pipeline (methods.md §2.1): CAM → AdvCAM seeds → IR labels (0.35/0.15) → IRN →
# random walk (cam^1.5) → DeepLab-v2.
_base_ = './_base_/stages.py'
ir_labels = '{advcam_ir.out}'
seeds = '{advcam_seeds.out}'
rw_preset = 'advcam'
advcam_split = 'train_split'  # AdvCAM seeds train IRN: the whole training split
stages = [
    {{_base_.stage_cam}}, {{_base_.stage_advcam_seeds}}, {{_base_.stage_advcam_eval}},
    {{_base_.stage_advcam_ir}}, {{_base_.stage_irn}}, {{_base_.stage_pseudo}},
    {{_base_.stage_pseudo_eval}}, {{_base_.stage_deeplab}}, {{_base_.stage_deeplab_test}}
]
report = dict(
    table=[{{_base_.row_all_background}}, {{_base_.row_advcam}}, {{_base_.row_advcam_best}},
           {{_base_.row_ir}}, {{_base_.row_ir_uncertain}}, {{_base_.row_ir_accuracy}},
           {{_base_.row_pseudo}}, {{_base_.row_deeplab}}],
    curves=[dict(label='AdvCAM', file='{advcam_eval.out}/report.json')],
    per_class=[dict(label='AdvCAM seeds', file='{advcam_eval.out}/report.json',
                    key='best.per_class'),
               dict(label='pseudo masks', file='{pseudo_eval.out}/report.json',
                    key='per_class')],
    overlays=dict(dataset='{dataset}', split='{eval_split}', num_images=4, columns=[
        dict(label='AdvCAM seeds', seeds='{advcam_seeds.out}',
             evaluation='{advcam_eval.out}/report.json'),
        dict(label='pseudo masks', labels='{pseudo.out}')]))
