# `python tools/train.py configs/amn_voc.py` = configs/amn/amn_r50_voc.py (see there).
_base_ = './amn/amn_r50_voc.py'
