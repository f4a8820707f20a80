# The IRN CAM recipe (cam_r50_voc.py) on ResNet-38d (PSA's classifier backbone: output stride
# 8, conv1a + b2* frozen, dropout 0.3/0.5; PSA's own head adds a dropout before GAP and
# trains lr 0.1, batch 16, crop 448, wd 5e-4 for 15 epochs: not reproduced here).
_base_ = ['./cam_r50_voc.py', '../_base_/models/resnet38d.py']
model = dict(backbone={{_base_.resnet38d}}, in_channels=None)
