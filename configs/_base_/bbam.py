# BBAM's attribution settings (wsss_plugins/seeds/bbam.py; the training-image preset of
# BBAM_training_images_multi.py), read by tools/make_bbam.py from the detector's config. The
# adapter's test scale defaults to the config's `test_scale` (its test Resize).
bbam = dict(type='BBAM', num_proposals=1000, jitter=0.3, thresholds=(0.9, 0.85, 0.8),
            max_positives=100, iterations=300, lr=0.02, l1_weight=0.007, tv_weight=1e-4,
            tv_beta=3.0, adapter=dict(type='mmdet'))
