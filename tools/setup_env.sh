#!/usr/bin/env bash
# Idempotent environment setup for wsss_plugins.
#
# Creates the venv (${WSSS_VENV:-.venv} in the repository) and installs the stack pinned in
# requirements/constraints.txt, the one source of pins, passed with -c to EVERY pip call so
# that no later step can move a pin an earlier one set (torch declares setuptools>=77.0.3 and
# would otherwise upgrade it past 81, which no longer ships the pkg_resources mmcv's build
# imports). tools/check_env.py verifies the pins after each step that matters and fails
# naming the package, the version found and the pin.
#
# torch and torchvision come from PyPI (the CUDA build; it runs on CPU-only machines too), never
# from a machine-local `+cpu` wheel: PIP_FIND_LINKS is emptied for that call, because
# torchvision's PyPI wheels only load into PyPI's torch. Detectron2 is not on PyPI; it is built
# from WSSS_DETECTRON2_SRC (its repository at the pinned commit by default; .ci/run points it at
# the vendored snapshot) with --no-build-isolation, its documented install.
#
# Built wheels (mmcv with ops, pydensecrf2, detectron2) are cached outside the repository in
#   ${WSSS_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wsss_plugins/wheels}
# .ci/run points WSSS_WHEEL_CACHE at an empty directory, so CI builds them every time, as a
# fresh machine does. A finished setup leaves a stamp; a rerun with unchanged inputs exits in
# seconds.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${WSSS_VENV:-$ROOT/.venv}
PYTHON=${PYTHON:-python3.11}
CACHE=${WSSS_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wsss_plugins/wheels}
CONSTRAINTS="$ROOT/requirements/constraints.txt"
STAMP="$VENV/.wsss_setup_stamp"
DETECTRON2_COMMIT=02b5c4e295e990042a714712c21dc79b731e8833
DETECTRON2_SRC=${WSSS_DETECTRON2_SRC:-git+https://github.com/facebookresearch/detectron2.git@$DETECTRON2_COMMIT}
START=$SECONDS

step() { printf '\n[setup_env] %s (%ds)\n' "$*" $((SECONDS - START)); }
fail() { printf '\n[setup_env] FAILED: %s\n' "$*" >&2; exit 1; }

# Everything that decides the environment's content goes into the stamp.
stamp_value() {
  cat "$ROOT/tools/setup_env.sh" "$ROOT/setup.py" "$CONSTRAINTS" | sha256sum | cut -d' ' -f1
}

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(stamp_value)" ]] \
   && "$VENV/bin/python" -c "import wsss_plugins, mmcv.ops, mmseg, mmdet, pydensecrf, torchvision, detectron2" 2>/dev/null; then
  echo "[setup_env] environment up to date ($VENV)"
  exit 0
fi

command -v "$PYTHON" >/dev/null || fail "$PYTHON not found; set PYTHON=/path/to/python3.11"
"$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' \
  || fail "$PYTHON is not Python 3.11 (the stack is pinned for 3.11)"

if [[ ! -x "$VENV/bin/python" ]]; then
  step "creating virtual environment $VENV"
  "$PYTHON" -m venv "$VENV" || fail "python -m venv $VENV"
fi
PY="$VENV/bin/python"
PIP=("$PY" -m pip install --disable-pip-version-check -q -c "$CONSTRAINTS")
# check NAME...: the installed versions of NAME... hold their pins (exit 1 names the package).
check() { "$PY" "$ROOT/tools/check_env.py" --constraints "$CONSTRAINTS" "$@" || fail "$CHECK_WHAT"; }
pin() { "$PY" "$ROOT/tools/check_env.py" --constraints "$CONSTRAINTS" --version-of "$1"; }
MMCV_VERSION=$(pin mmcv)
DENSECRF_VERSION=$(pin pydensecrf2)
mkdir -p "$CACHE"

step "build tools (setuptools, wheel, packaging, ninja, cython, numpy)"
"${PIP[@]}" setuptools wheel packaging ninja cython numpy || fail "installing the build tools"
CHECK_WHAT="the build tools do not hold their pins (above)"
check setuptools wheel packaging cython numpy
"$PY" -c "import pkg_resources" 2>/dev/null \
  || fail "setuptools $("$PY" -c 'import setuptools; print(setuptools.__version__)') has no pkg_resources (mmcv's build needs it)"

step "torch $(pin torch) and torchvision $(pin torchvision) from PyPI"
# A venv made before the stack move holds the local +cpu torch, which satisfies ==2.13.0; the
# ops built against it go too (pip would keep an installed mmcv of the same version).
if "$PY" -c 'import sys, torch; sys.exit("+cpu" not in torch.__version__)' 2>/dev/null; then
  "$PY" -m pip uninstall -y -q torch torchvision mmcv detectron2 \
    || fail "removing the local +cpu torch and the ops built against it"
fi
# PIP_CONFIG_FILE=/dev/null: pip reads no config file for this call (one may name find-links that
# hold a +cpu torch wheel, which pip would prefer as a local version of the same release).
PIP_CONFIG_FILE=/dev/null PIP_FIND_LINKS= "${PIP[@]}" torch torchvision \
  || fail "installing torch and torchvision"
CHECK_WHAT="installing torch moved a pinned package (above)"
check torch torchvision setuptools numpy
"$PY" -c "import torch, torchvision.ops; torchvision.ops.nms(torch.zeros(1, 4), torch.ones(1), 0.5)" \
  || fail "torchvision's ops do not load into this torch (a local +cpu torch wheel? see above)"

step "mmengine $(pin mmengine) and opencv"
"${PIP[@]}" mmengine opencv-python-headless || fail "installing mmengine"
CHECK_WHAT="installing mmengine moved a pinned package (above)"
check mmengine opencv-python-headless torch setuptools numpy

# Cache wheels per torch build: ops compiled against CPU torch do not fit CUDA torch.
TORCH_TAG=$("$PY" -c 'import torch; print(torch.__version__.replace("+", "_"))')
WITH_CUDA=$("$PY" -c 'import torch; print(int(torch.version.cuda is not None))')
# CUDA ops need an nvcc of torch's CUDA major version and a target: a visible GPU or
# TORCH_CUDA_ARCH_LIST (PyPI's CUDA torch on a CPU-only machine with some nvcc on PATH builds
# CPU ops). CPU-op builds run with no visible GPU: mmcv's and Detectron2's setup.py pick CUDA
# extensions whenever torch sees one, whatever FORCE_CUDA says.
NVCC_MAJOR=$(nvcc --version 2>/dev/null | sed -n 's/.*release \([0-9]*\)\..*/\1/p')
TORCH_CUDA_MAJOR=$("$PY" -c 'import torch; print((torch.version.cuda or "").split(".")[0])')
if [[ "$WITH_CUDA" == 1 ]] && { [[ "$NVCC_MAJOR" != "$TORCH_CUDA_MAJOR" ]] || { \
    [[ -z "${TORCH_CUDA_ARCH_LIST:-}" ]] \
    && ! "$PY" -c 'import sys, torch; sys.exit(not torch.cuda.is_available())' 2>/dev/null; }; }; then
  WITH_CUDA=0
fi
if [[ "$WITH_CUDA" == 0 ]]; then BUILD_ENV=(env CUDA_VISIBLE_DEVICES=); else BUILD_ENV=(env); fi
MMCV_CACHE="$CACHE/mmcv-$MMCV_VERSION-torch$TORCH_TAG-cuda$WITH_CUDA"
mkdir -p "$MMCV_CACHE"

if ! ls "$MMCV_CACHE"/mmcv-"$MMCV_VERSION"-*.whl >/dev/null 2>&1; then
  step "building mmcv $MMCV_VERSION with ops (CUDA ops: $WITH_CUDA); this takes ~12 min on 2 cores"
  "$PY" -c "import pkg_resources" 2>/dev/null || fail "no pkg_resources before the mmcv build"
  SRC=$(mktemp -d)
  "$PY" -m pip download --disable-pip-version-check -q -c "$CONSTRAINTS" --no-deps \
    --no-build-isolation --no-binary :all: "mmcv==$MMCV_VERSION" -d "$SRC" \
    || fail "downloading the mmcv $MMCV_VERSION source"
  tar -xzf "$SRC"/mmcv-"$MMCV_VERSION".tar.gz -C "$SRC"
  # torch >= 2.6 removed Tensor::type() in dispatch macros; mmcv main (#3195) made this change.
  sed -i 's/tensor\.type()\.scalarType()/tensor.scalar_type()/' \
    "$SRC/mmcv-$MMCV_VERSION/mmcv/ops/csrc/common/pytorch_cpp_helper.hpp" \
    "$SRC/mmcv-$MMCV_VERSION"/mmcv/ops/csrc/pytorch/spconv_utils.h 2>/dev/null || true
  ( cd "$SRC/mmcv-$MMCV_VERSION" && \
    "${BUILD_ENV[@]}" MMCV_WITH_OPS=1 FORCE_CUDA="$WITH_CUDA" MAX_JOBS="${MAX_JOBS:-$(nproc)}" \
    "$PY" -m pip wheel --disable-pip-version-check -q -c "$CONSTRAINTS" \
      --no-build-isolation --no-deps . -w "$MMCV_CACHE" ) \
    || fail "building mmcv $MMCV_VERSION from source (see the compiler output above)"
  rm -rf "$SRC"
fi

if ! ls "$CACHE"/pydensecrf2-"$DENSECRF_VERSION"-*.whl >/dev/null 2>&1; then
  step "building pydensecrf2 $DENSECRF_VERSION"
  "$PY" -m pip wheel --disable-pip-version-check -q -c "$CONSTRAINTS" --no-build-isolation \
    --no-deps "pydensecrf2==$DENSECRF_VERSION" -w "$CACHE" || fail "building pydensecrf2"
fi

# keyed by the commit: the repository and the vendored snapshot of it build the same wheel
DETECTRON2_CACHE="$CACHE/detectron2-${DETECTRON2_COMMIT:0:7}-torch$TORCH_TAG-cuda$WITH_CUDA"
mkdir -p "$DETECTRON2_CACHE"
if ! ls "$DETECTRON2_CACHE"/detectron2-*.whl >/dev/null 2>&1; then
  step "building detectron2 from $DETECTRON2_SRC (CUDA ops: $WITH_CUDA); ~2 min on 2 cores"
  "${BUILD_ENV[@]}" FORCE_CUDA="$WITH_CUDA" MAX_JOBS="${MAX_JOBS:-$(nproc)}" \
    "$PY" -m pip wheel --disable-pip-version-check -q -c "$CONSTRAINTS" --no-build-isolation \
      --no-deps "$DETECTRON2_SRC" -w "$DETECTRON2_CACHE" \
    || fail "building detectron2 from $DETECTRON2_SRC (set WSSS_DETECTRON2_SRC to a source tree or archive)"
fi

step "mmcv, mmsegmentation, mmdet, pycocotools, pydensecrf2, detectron2, wsss_plugins[tests]"
"${PIP[@]}" "$MMCV_CACHE"/mmcv-"$MMCV_VERSION"-*.whl \
  "$CACHE"/pydensecrf2-"$DENSECRF_VERSION"-*.whl "$DETECTRON2_CACHE"/detectron2-*.whl \
  mmsegmentation mmdet pycocotools -e "$ROOT[tests]" \
  || fail "installing the OpenMMLab stack, detectron2 and wsss_plugins"

step "checking every pin and pip check"
CHECK_WHAT="the environment does not match requirements/constraints.txt (above)"
check
"$PY" -c "import torch, torchvision, mmcv, mmcv.ops, mmengine, mmseg, mmdet, pycocotools, pydensecrf, detectron2, wsss_plugins; \
print('torch', torch.__version__, '| torchvision', torchvision.__version__, '| mmcv', mmcv.__version__, \
      '| mmseg', mmseg.__version__, '| mmdet', mmdet.__version__, '| detectron2', detectron2.__version__)" \
  || fail "an installed package does not import"
stamp_value >"$STAMP"
echo "[setup_env] done in $((SECONDS - START)) s: $VENV"
