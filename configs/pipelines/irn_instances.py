# IRN's instance segmentation from image-level labels (irn_instances.md): seeds (CAM, AdvCAM or
# AMN: `seed_method`) → IR labels → IRN (with its displacement mean) → pseudo instances, scored
# with chainercv mAP^r on `instance_split` beside the baseline without the displacement field
# (a connected component of the semantic pseudo mask = an instance) → Mask R-CNN trained on
# them → val mAP^r.
_base_ = './_base_/stages.py'
seed_method = 'cam'
amn_preset = 'amn'
advcam_split = 'train_split'  # the seeds IRN trains on: the whole training split
seed_chains = dict(
    cam=dict(seeds='{cam_seeds.out}', ir_labels='{cam_ir.out}', rw_preset='irn',
             stages=['cam_seeds', 'cam_ir']),
    advcam=dict(seeds='{advcam_seeds.out}', ir_labels='{advcam_ir.out}', rw_preset='advcam',
                stages=['advcam_seeds', 'advcam_ir']),
    amn=dict(seeds='{amn_seeds.out}', ir_labels='{amn_ir.out}', rw_preset='amn',
             stages=['cam_seeds', 'cam_ir', 'amn', 'amn_seeds', 'amn_ir']))
stages = [
    {{_base_.stage_cam}}, {{_base_.stage_cam_seeds}}, {{_base_.stage_advcam_seeds}},
    {{_base_.stage_cam_ir}}, {{_base_.stage_advcam_ir}}, {{_base_.stage_amn}},
    {{_base_.stage_amn_seeds}}, {{_base_.stage_amn_ir}}, {{_base_.stage_irn}},
    {{_base_.stage_pseudo}}, {{_base_.stage_pseudo_eval}}, {{_base_.stage_instances}},
    {{_base_.stage_instances_eval}}, {{_base_.stage_components_eval}},
    {{_base_.stage_mask_rcnn_irn}}, {{_base_.stage_mask_rcnn_test}}
]
report = dict(
    table=[{{_base_.row_pseudo}}, {{_base_.row_instances}}, {{_base_.row_components}},
           {{_base_.row_mask_rcnn_irn}}],
    overlays=dict(dataset='{dataset}', split='{instance_split}', num_images=4,
                  title='Pseudo instances (one colour per instance) on training images',
                  columns=[dict(label='pseudo masks', labels='{pseudo.out}'),
                           dict(label='baseline: components',
                                instances='{instances.out}/components'),
                           dict(label='IRN instances', instances='{instances.out}')]))
