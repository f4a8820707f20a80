# The README's two commands. Each installs the environment first if needed
# (tools/setup_env.sh: idempotent, pins in requirements/constraints.txt, built wheels cached
# outside the repo). WSSS_VENV chooses another venv (.ci/run uses a fresh one).
export WSSS_VENV ?= $(CURDIR)/.venv
PY := $(WSSS_VENV)/bin/python
export OMP_WAIT_POLICY ?= PASSIVE

.PHONY: setup demo test
setup:
	@bash tools/setup_env.sh

# The main job: the AMN pipeline on the toy dataset (generated if missing), CPU.
demo: setup
	$(PY) tools/run_pipeline.py --toy

test: setup
	$(PY) -m pytest
