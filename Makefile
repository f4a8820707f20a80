# The README's two commands. Each installs the environment first if needed
# (tools/setup_env.sh: idempotent, wheels cached outside the repo).
PY := .venv/bin/python
export OMP_WAIT_POLICY ?= PASSIVE

.PHONY: setup demo test
setup:
	@bash tools/setup_env.sh

# The main job: the AMN pipeline on the toy dataset (generated if missing), CPU.
demo: setup
	$(PY) tools/run_pipeline.py --toy

test: setup
	$(PY) -m pytest
