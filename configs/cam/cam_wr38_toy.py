# The toy CAM classifier (cam_toy.py) on a ResNet-38d at 1/8 width (output stride 8), from
# scratch: the CAM baseline of the ACR toy.
_base_ = ['./cam_toy.py', '../_base_/models/resnet38d.py']
model = dict(backbone={{_base_.resnet38d_toy}}, in_channels=None)
