"""The package's layers: arrows point down only (architecture.md).

    0  utils, compat, registry     shared leaf helpers: imports nothing of ours above
    1  datasets, models, evaluation  algorithms' building blocks, independent of each other
    2  seeds, refine               algorithms over trained models (map in, map out)
    3  apis, engine, pipeline      drivers: per-image passes, launchers, the stage runner

A module may import its own subpackage and anything in a lower layer, never a sibling of
its own layer (in layers 1 and 2) or a higher one. Checked on the source (every ``import``
statement, also those inside functions), so a lazy import cannot hide an upward arrow.
"""
import ast
import os
import os.path as osp

PACKAGE = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))), 'wsss_plugins')
LAYERS = dict(utils=0, compat=0, registry=0, datasets=1, models=1, evaluation=1,
              seeds=2, refine=2, apis=3, engine=3, pipeline=3)


def imported_parts(path):
    """(top-level part of wsss_plugins, line) of every import in the file at ``path``."""
    rel = osp.relpath(path, PACKAGE).split(os.sep)
    tree = ast.parse(open(path).read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = rel[:len(rel) - node.level]  # the package the relative import starts at
            target = base + (node.module.split('.') if node.module else [])
            if target:
                yield target[0], node.lineno
            else:  # `from .. import x`: x are parts
                yield from ((alias.name, node.lineno) for alias in node.names)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [node.module] if isinstance(node, ast.ImportFrom) else \
                [alias.name for alias in node.names]
            for name in names:
                if name and name.split('.')[0] == 'wsss_plugins' and '.' in name:
                    yield name.split('.')[1], node.lineno


def test_every_part_of_the_package_has_a_layer():
    parts = {osp.splitext(p)[0] for p in os.listdir(PACKAGE)
             if not p.startswith(('_', '.')) and (p.endswith('.py') or
                                                  osp.isdir(osp.join(PACKAGE, p)))}
    assert parts == set(LAYERS), parts ^ set(LAYERS)


def test_no_module_imports_a_sibling_or_a_higher_layer():
    upward = []
    for root, _, files in os.walk(PACKAGE):
        for name in files:
            if not name.endswith('.py'):
                continue
            path = osp.join(root, name)
            rel = osp.relpath(path, PACKAGE)
            part = osp.splitext(rel.split(os.sep)[0])[0]
            if part not in LAYERS:  # wsss_plugins/__init__.py imports everything
                continue
            for target, line in imported_parts(path):
                if target == part or target not in LAYERS:
                    continue
                if LAYERS[target] > LAYERS[part] or LAYERS[target] == LAYERS[part] in (1, 2):
                    upward.append(f'{rel}:{line} ({part}, layer {LAYERS[part]}) imports '
                                  f'{target} (layer {LAYERS[target]})')
    assert not upward, '\n'.join(upward)
