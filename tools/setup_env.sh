#!/usr/bin/env bash
# Idempotent environment setup for wsss_plugins.
#
# Creates .venv in the repository and installs the pinned stack:
#   torch 2.13.0, mmengine 0.10.7, mmcv 2.1.0 (built from source with ops),
#   mmsegmentation 1.2.2, mmdet 3.3.0, pycocotools, pydensecrf2, wsss_plugins[tests] (editable).
# Built wheels (mmcv, pydensecrf2) are cached outside the repository in
#   ${WSSS_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wsss_plugins/wheels}
# so a second setup on the same machine only reinstalls from the cache.
# A finished setup leaves a stamp; a rerun with unchanged inputs exits in seconds.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$ROOT/.venv"
PYTHON=${PYTHON:-python3.11}
CACHE=${WSSS_WHEEL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/wsss_plugins/wheels}
STAMP="$VENV/.wsss_setup_stamp"
TORCH_PIN="torch==2.13.0"
MMCV_VERSION="2.1.0"

step() { printf '\n[setup_env] %s\n' "$*"; }
fail() { printf '\n[setup_env] FAILED: %s\n' "$*" >&2; exit 1; }

# Everything that decides the environment's content goes into the stamp.
stamp_value() {
  cat "$ROOT/tools/setup_env.sh" "$ROOT/setup.py" | sha256sum | cut -d' ' -f1
}

if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(stamp_value)" ]] \
   && "$VENV/bin/python" -c "import wsss_plugins, mmcv.ops, mmseg, mmdet, pydensecrf" 2>/dev/null; then
  echo "[setup_env] environment up to date ($VENV)"
  exit 0
fi

command -v "$PYTHON" >/dev/null || fail "$PYTHON not found; set PYTHON=/path/to/python3.11"
"$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11), sys.version' \
  || fail "$PYTHON is not Python 3.11 (the stack is pinned for 3.11)"

if [[ ! -x "$VENV/bin/python" ]]; then
  step "creating virtual environment $VENV"
  "$PYTHON" -m venv "$VENV" || fail "python -m venv"
fi
PY="$VENV/bin/python"
PIP=("$PY" -m pip install --disable-pip-version-check)
mkdir -p "$CACHE"

# setuptools<81: mmcv 2.1.0's setup.py and mmengine 0.10.7 import pkg_resources.
step "build tools (setuptools<81, wheel, ninja, cython, numpy)"
"${PIP[@]}" -q "setuptools<81" wheel ninja cython "numpy<2.3" || fail "installing build tools"

step "$TORCH_PIN"
"${PIP[@]}" -q "$TORCH_PIN" || fail "installing $TORCH_PIN"

# Cache wheels per torch build: ops compiled against CPU torch do not fit CUDA torch.
TORCH_TAG=$("$PY" -c 'import torch; print(torch.__version__.replace("+", "_"))')
WITH_CUDA=$("$PY" -c 'import torch; print(int(torch.version.cuda is not None))')
if [[ "$WITH_CUDA" == 1 ]] && ! command -v nvcc >/dev/null; then WITH_CUDA=0; fi
MMCV_CACHE="$CACHE/mmcv-$MMCV_VERSION-torch$TORCH_TAG-cuda$WITH_CUDA"
mkdir -p "$MMCV_CACHE"

step "mmengine 0.10.7 and runtime dependencies"
"${PIP[@]}" -q "mmengine==0.10.7" opencv-python-headless || fail "installing mmengine"

if ! ls "$MMCV_CACHE"/mmcv-"$MMCV_VERSION"-*.whl >/dev/null 2>&1; then
  step "building mmcv $MMCV_VERSION with ops (CUDA ops: $WITH_CUDA); this takes ~12 min on 2 cores"
  SRC=$(mktemp -d)
  "$PY" -m pip download -q --no-deps --no-build-isolation --no-binary :all: "mmcv==$MMCV_VERSION" -d "$SRC" \
    || fail "downloading the mmcv $MMCV_VERSION source"
  tar -xzf "$SRC"/mmcv-"$MMCV_VERSION".tar.gz -C "$SRC"
  # torch >= 2.6 removed Tensor::type() in dispatch macros; mmcv main (#3195) made this change.
  sed -i 's/tensor\.type()\.scalarType()/tensor.scalar_type()/' \
    "$SRC/mmcv-$MMCV_VERSION/mmcv/ops/csrc/common/pytorch_cpp_helper.hpp" \
    "$SRC/mmcv-$MMCV_VERSION"/mmcv/ops/csrc/pytorch/spconv_utils.h 2>/dev/null || true
  ( cd "$SRC/mmcv-$MMCV_VERSION" && \
    MMCV_WITH_OPS=1 FORCE_CUDA="$WITH_CUDA" MAX_JOBS="${MAX_JOBS:-$(nproc)}" \
    "$PY" -m pip wheel -q --no-build-isolation --no-deps . -w "$MMCV_CACHE" ) \
    || fail "building mmcv $MMCV_VERSION from source (see the compiler output above)"
  rm -rf "$SRC"
fi

if ! ls "$CACHE"/pydensecrf2-*.whl >/dev/null 2>&1; then
  step "building pydensecrf2"
  "$PY" -m pip wheel -q --no-build-isolation --no-deps pydensecrf2 -w "$CACHE" \
    || fail "building pydensecrf2"
fi

step "mmcv, mmsegmentation 1.2.2, mmdet 3.3.0, pycocotools, pydensecrf2, wsss_plugins[tests]"
CONSTRAINTS=$(mktemp)
printf '%s\nmmengine==0.10.7\nmmcv==%s\nsetuptools<81\n' "$TORCH_PIN" "$MMCV_VERSION" >"$CONSTRAINTS"
"${PIP[@]}" -q -c "$CONSTRAINTS" \
  "$MMCV_CACHE"/mmcv-"$MMCV_VERSION"-*.whl "$CACHE"/pydensecrf2-*.whl \
  "mmsegmentation==1.2.2" "mmdet==3.3.0" pycocotools \
  -e "$ROOT[tests]" || fail "installing the OpenMMLab stack and wsss_plugins"
rm -f "$CONSTRAINTS"

step "checking imports"
"$PY" -c "import torch, mmcv, mmcv.ops, mmengine, mmseg, mmdet, pycocotools, pydensecrf, wsss_plugins; \
print('torch', torch.__version__, '| mmcv', mmcv.__version__, '| mmseg', mmseg.__version__, '| mmdet', mmdet.__version__)" \
  || fail "an installed package does not import"
stamp_value >"$STAMP"
echo "[setup_env] done: $VENV"
