# The W-OoD pipeline on the context toy (generated when missing): fish come with water and birds
# with sky in most of their images, and 150 object-free OoD images show those bands; the seed
# evaluations also report the share of band pixels called foreground.
_base_ = './wood.py'
dataset = 'configs/_base_/datasets/toy_context.py'
work_dir = 'work_dirs/pipeline_wood_toy'
seed_eval_options = ['--region', 'ContextMask']
