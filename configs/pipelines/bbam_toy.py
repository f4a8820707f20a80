# The BBAM pipeline (detector → BBAM maps → pseudo instances and semantic labels →
# DeepLab-v2) on the synthetic toy dataset, CPU-sized models (the toy detector config also
# asks for the box-CRF baseline: each box through the CRF without a map).
_base_ = './bbam.py'
work_dir = 'work_dirs/pipeline_bbam_toy'
