# Runtime of the detection configs: ours (default_runtime.py) in MMDetection's scope, with its
# visualiser (MMDetection 3.3's default_runtime otherwise agrees).
_base_ = './default_runtime.py'
default_scope = 'mmdet'
default_hooks = dict(checkpoint=dict(interval=2000),
                     visualization=dict(_delete_=True, type='DetVisualizationHook'))
visualizer = dict(_delete_=True, type='DetLocalVisualizer', vis_backends=[
    dict(type='LocalVisBackend')], name='visualizer')
