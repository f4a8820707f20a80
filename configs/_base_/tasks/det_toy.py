# Box training and testing at toy scale: the toy images at their size (~128 px; shorter side
# 96-160 in training, 128 in testing), batch 8; otherwise tasks/det_1333.py.
_base_ = './det_1333.py'
test_scale = (200, 128)
train_scales = [(200, s) for s in range(96, 161, 16)]
train_dataloader = dict(batch_size=8, num_workers=2)
