# W-OoD (wood_r50_voc.py) on ResNet-38d: the CAM classifier of cam_wr38_voc.py as load_from.
# The reference trains ResNet-50's last two stages; here b5-b7 (the dilated blocks) train
# (no reference exists for this backbone).
_base_ = ['./wood_r50_voc.py', '../_base_/models/resnet38d.py']
model = dict(backbone={{_base_.resnet38d_last_stages}}, in_channels=None)
