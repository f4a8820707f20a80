# W-OoD pipeline (methods.md §3.1): CAM classifier → W-OoD classifier (OoD images: the dataset
# config's ood_list / ood_root) → W-OoD CAM seeds (best of 0.08-0.14, as the reference) →
# AdvCAM on the W-OoD classifier → IR labels (0.30/0.15) → IRN → random walk (cam^1.5, bg
# 0.22) → DeepLab-v2; the CAM seeds, under the same protocol, as the comparison.
_base_ = './_base_/stages.py'
ir_labels = '{wood_ir.out}'
seeds = '{wood_advcam_seeds.out}'
rw_preset = 'wood'
cam_protocol = 'wood'
stages = [
    {{_base_.stage_cam}}, {{_base_.stage_cam_seeds}}, {{_base_.stage_cam_eval}},
    {{_base_.stage_wood}}, {{_base_.stage_wood_seeds}}, {{_base_.stage_wood_eval}},
    {{_base_.stage_wood_advcam_seeds}}, {{_base_.stage_wood_advcam_eval}},
    {{_base_.stage_wood_ir}}, {{_base_.stage_irn}}, {{_base_.stage_pseudo}},
    {{_base_.stage_pseudo_eval}}, {{_base_.stage_deeplab}}, {{_base_.stage_deeplab_test}}
]
report = dict(
    table=[{{_base_.row_all_background}}, {{_base_.row_cam_vs_wood}},
           {{_base_.row_wood_advcam}}, {{_base_.row_ir}}, {{_base_.row_pseudo}},
           {{_base_.row_deeplab}}],
    curves=[dict(label='CAM', file='{cam_eval.out}/report.json'),
            dict(label='W-OoD', file='{wood_eval.out}/report.json')],
    per_class=[dict(label='CAM seeds', file='{cam_eval.out}/report.json', key='best.per_class'),
               dict(label='W-OoD seeds', file='{wood_eval.out}/report.json',
                    key='best.per_class')],
    overlays=dict(dataset='{dataset}', split='{eval_split}', num_images=4, columns=[
        dict(label='CAM seeds', seeds='{cam_seeds.out}',
             evaluation='{cam_eval.out}/report.json'),
        dict(label='W-OoD seeds', seeds='{wood_seeds.out}',
             evaluation='{wood_eval.out}/report.json'),
        dict(label='pseudo masks', labels='{pseudo.out}')]))
