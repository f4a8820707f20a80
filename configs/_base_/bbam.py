# BBAM's attribution settings (wsss_plugins/seeds/bbam.py), read by tools/make_bbam.py and
# tools/bbam_demo.py from the detector's config. l1_weight/tv_weight None: the preset's
# (training_images: BBAM_training_images_multi.py; the demo tool uses detection_demo). The
# adapter's test scale defaults to the config's `test_scale` (its test Resize).
bbam = dict(type='BBAM', num_proposals=1000, jitter=0.3, thresholds=(0.9, 0.85, 0.8),
            max_positives=100, iterations=300, lr=0.02, preset='training_images',
            l1_weight=None, tv_weight=None, tv_beta=3.0, adapter=dict(type='mmdet'))
# BBAM maps -> pseudo labels (tools/make_bbam_labels.py): the instance and ignore-region
# thresholds of the reference; box_crf_baseline adds the no-map labels (each box through the
# CRF alone) to the report, one more CRF per box; mcg_dirs: directories of MCG proposals
# (<name>.mat, a separate download) for the optional refinement of the instance masks
# (instances_th*_mcg.json; wsss_plugins/refine/mcg.py). Empty: skipped, and the report says so.
bbam_labels = dict(thresholds=(0.85, 0.2), box_crf_baseline=False, mcg_dirs=[])
