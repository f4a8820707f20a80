from .launch import adapt_dist_backend, add_runner_args, build_runner, load_runner_config

__all__ = ['adapt_dist_backend', 'add_runner_args', 'build_runner', 'load_runner_config']
