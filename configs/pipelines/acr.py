# ACR pipeline (methods.md §5.1; the repository stops at seeds and points to RIB, IRN-based):
# CAM classifier (the comparison, and the toy ACR's initialisation) → ACR (classifier vs
# reconstructor) → ACR seeds → IR labels (IRN's 0.30/0.05) → IRN → random walk (IRN's bg
# 0.25) → DeepLab-v2; the report compares CAM and ACR seeds (best of the sweep, curves,
# per-class IoU, overlays) and shows ACR's reconstructions (the seed document's Fig. A6).
# The CAM baseline is on ACR's backbone: ResNet-38d (cam_wr38_*.py) at full size, the toy
# ResNet-18 on the toy.
_base_ = './_base_/stages.py'
configs = dict(full=dict(cam='configs/cam/cam_wr38_voc.py'),
               full_coco14=dict(cam='configs/cam/cam_wr38_coco14.py'))
ir_labels = '{acr_ir.out}'
seeds = '{acr_seeds.out}'
rw_preset = 'acr'
stages = [
    {{_base_.stage_cam}}, {{_base_.stage_cam_seeds}}, {{_base_.stage_cam_eval}},
    {{_base_.stage_acr}}, {{_base_.stage_acr_seeds}}, {{_base_.stage_acr_eval}},
    {{_base_.stage_acr_figure}}, {{_base_.stage_acr_ir}}, {{_base_.stage_irn}},
    {{_base_.stage_pseudo}}, {{_base_.stage_pseudo_eval}}, {{_base_.stage_deeplab}},
    {{_base_.stage_deeplab_test}}
]
report = dict(
    table=[{{_base_.row_all_background}}, {{_base_.row_cam_vs_acr}}, {{_base_.row_acr}},
           {{_base_.row_ir}}, {{_base_.row_pseudo}}, {{_base_.row_deeplab}}],
    curves=[dict(label='CAM', file='{cam_eval.out}/report.json'),
            dict(label='ACR', file='{acr_eval.out}/report.json')],
    per_class=[dict(label='CAM seeds', file='{cam_eval.out}/report.json', key='best.per_class'),
               dict(label='ACR seeds', file='{acr_eval.out}/report.json',
                    key='best.per_class')],
    overlays=dict(dataset='{dataset}', split='{eval_split}', num_images=4, columns=[
        dict(label='CAM seeds', seeds='{cam_seeds.out}',
             evaluation='{cam_eval.out}/report.json'),
        dict(label='ACR seeds', seeds='{acr_seeds.out}',
             evaluation='{acr_eval.out}/report.json'),
        dict(label='pseudo masks', labels='{pseudo.out}')]),
    figures=[dict(title='ACR reconstructions (seed document Fig. A6)',
                  file='{acr_figure.out}/reconstructions.png',
                  caption='Per image: I, the target CAM A_t, Î_t rebuilt in the RU phase '
                          '(from the remnant, SRF grid applied) and in the CU phase; the SRF '
                          'grid, A_nt, and the two Î_nt.')])
