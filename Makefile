# flopscope: `make demo` runs the main job on a fresh machine, `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test bench fuzz docs clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	@echo "== 1. predict: flopscope analyze reads the solver and prints its cost formulas =="
	$(VENV)/bin/flopscope analyze examples/guide_solver.py --shapes n=256
	@echo
	$(VENV)/bin/flopscope analyze examples/mlp_forward.py --shapes n=256,depth=4
	@echo
	@echo "== 2. run: the same solver under the metered runtime =="
	$(PY) examples/guide_solver.py

test: $(STAMP)
	$(PY) -m pytest

bench: $(STAMP)
	$(PY) benchmarks/run.py

docs: $(STAMP)
	$(VENV)/bin/flopscope costs --format markdown > docs/cost-reference.md
	@echo "wrote docs/cost-reference.md"

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
