"""Check an environment against ``requirements/constraints.txt`` (the one source of pins).

Used by ``tools/setup_env.sh`` after every step that matters (so a step that moves a pin an
earlier step set fails there, naming the package, the version found and the pin) and by
``tests/test_environment.py`` after setup. Runs on the bare interpreter of a new venv:
``packaging`` is taken from pip's vendored copy when it is not installed yet.

    python tools/check_env.py                      # every pin + `pip check`
    python tools/check_env.py setuptools numpy     # only these pins
    python tools/check_env.py --version-of mmcv    # print the pinned version (for the build)
"""
import argparse
import importlib.metadata
import os.path as osp
import subprocess
import sys

try:
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
except ImportError:  # a fresh venv before the build tools step
    from pip._vendor.packaging.requirements import Requirement
    from pip._vendor.packaging.utils import canonicalize_name

DEFAULT_CONSTRAINTS = osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))),
                               'requirements', 'constraints.txt')


def read_constraints(path):
    """{canonical name: Requirement} of a pip constraints file (comments and blanks skipped)."""
    reqs = {}
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            try:
                req = Requirement(line)
            except Exception as e:
                raise SystemExit(f'{path}:{lineno}: not a requirement: {line!r} ({e})')
            reqs[canonicalize_name(req.name)] = req
    return reqs


def pinned_version(reqs, name):
    """The exact version of an ``==`` pin (the build steps need it in file names)."""
    spec = [s for s in reqs[canonicalize_name(name)].specifier if s.operator == '==']
    if not spec:
        raise SystemExit(f'{name} has no == pin in the constraints file')
    return spec[0].version


def version_problems(reqs, names=None):
    """One message per pin that the environment does not hold (missing or out of range)."""
    problems = []
    for key in names or list(reqs):
        req = reqs.get(canonicalize_name(key))
        if req is None:
            problems.append(f'{key}: not in the constraints file')
            continue
        try:
            found = importlib.metadata.version(req.name)
        except importlib.metadata.PackageNotFoundError:
            problems.append(f'{req.name}: not installed (constraints want {req})')
            continue
        # A local build label (torch 2.13.0+cpu) satisfies ==2.13.0, as pip decides.
        if not req.specifier.contains(found, prereleases=True):
            problems.append(f'{req.name}: {found} is installed, the constraints file wants '
                            f'{req.specifier}')
    return problems


def pip_check():
    """``pip check``'s complaints (inconsistent requirements among installed packages)."""
    out = subprocess.run([sys.executable, '-m', 'pip', 'check', '--disable-pip-version-check'],
                         capture_output=True, text=True)
    return [] if out.returncode == 0 else out.stdout.strip().splitlines()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('names', nargs='*', help='check only these pins (default: all)')
    parser.add_argument('--constraints', default=DEFAULT_CONSTRAINTS)
    parser.add_argument('--version-of', metavar='NAME',
                        help='print the == pinned version of NAME and exit')
    parser.add_argument('--no-pip-check', action='store_true',
                        help='skip `pip check` (it is run when no names are given)')
    args = parser.parse_args(argv)
    reqs = read_constraints(args.constraints)
    if args.version_of:
        print(pinned_version(reqs, args.version_of))
        return 0
    problems = version_problems(reqs, args.names)
    if not args.names and not args.no_pip_check:
        problems += [f'pip check: {line}' for line in pip_check()]
    for line in problems:
        print(f'[check_env] {line}', file=sys.stderr)
    if not problems:
        print(f'[check_env] ok: {", ".join(args.names) if args.names else "all pins"} '
              f'({osp.relpath(args.constraints)})')
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
