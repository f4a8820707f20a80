from .launch import (add_config_args, add_pass_args, add_runner_args, add_split_arg,
                     build_runner, default_device, finish_pass, init_distributed,
                     init_pass_launcher, load_evaluated_split, load_runner_config,
                     load_tool_config, split_global_batch)
from .hooks import DisplacementMeanHook, displacement_mean, split_displacement_mean
from .model_wrappers import CPUDistributedDataParallel, CPUSeparateDistributedDataParallel
from .optimizers import MultiOptimWrapperConstructor
from .schedulers import PolyOptimizerLR

__all__ = ['add_config_args', 'add_pass_args', 'add_runner_args', 'add_split_arg',
           'build_runner', 'default_device', 'finish_pass', 'init_distributed',
           'init_pass_launcher', 'load_evaluated_split', 'load_runner_config',
           'load_tool_config', 'split_global_batch', 'CPUDistributedDataParallel',
           'CPUSeparateDistributedDataParallel', 'MultiOptimWrapperConstructor', 'PolyOptimizerLR',
           'DisplacementMeanHook', 'displacement_mean', 'split_displacement_mean']
