from .io import atomic_save_figure, atomic_save_png, atomic_write, progress

__all__ = ['atomic_write', 'atomic_save_figure', 'atomic_save_png', 'progress', 'import_submodules']


def import_submodules(package_name, package_path):
    """Import every module of a package so their ``@register_module`` decorators run.

    Lets each component live in its own file without a hand-kept import list.
    """
    import importlib
    import pkgutil
    for info in pkgutil.iter_modules(package_path):
        importlib.import_module(f'{package_name}.{info.name}')
