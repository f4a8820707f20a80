# `python tools/train.py configs/amn_coco14.py` = configs/amn/amn_r50_coco14.py (see there).
_base_ = './amn/amn_r50_coco14.py'
