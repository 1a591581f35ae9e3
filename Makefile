# flopscope: `make demo` runs the main job on a fresh machine, `make test` runs every test.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test bench fuzz robust docs stubs site screenshot browser clean
FUZZ_EXAMPLES ?= 2000

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
	@echo "== 1b. a project: examples/contract/pyproject.toml says how its solvers run; every file of the folder =="
	cd examples/contract && ../../$(VENV)/bin/flopscope analyze . -q
	@echo
	@echo "== 2. run: the same solver under the metered runtime =="
	$(PY) examples/guide_solver.py
	@echo
	@echo "== 3. check: run it and compare, call site by call site, predicted with measured =="
	$(VENV)/bin/flopscope check examples/guide_solver.py --shapes n=256
	$(VENV)/bin/flopscope check examples/cg_solver.py --shapes n=200,steps=25
	$(VENV)/bin/flopscope check examples/relu_moments.py --shapes w=256,L=32
	@echo
	@echo "== 4. judge: two competition-style solvers of the corpus over 3 seeds, each unit in an isolated worker =="
	rm -f .demo-results.jsonl
	$(VENV)/bin/flopscope judge tests/corpus/01_mc_while_chunks tests/corpus/03_diag_moments_blend --seeds 0:3 \
		--budget 1e7 --workers 2 --out .demo-results.jsonl

test: $(STAMP) browser
	$(PY) -m pytest

# headless Chromium (Debian's package) for the docs' browser tests: installed when missing
browser:
	@test -x /usr/bin/chromium || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo -n ); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; }

fuzz: $(STAMP)
	FLOPSCOPE_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PY) -m pytest tests/test_fuzz.py -q -s

robust: $(STAMP)
	FLOPSCOPE_ROBUST=1 $(PY) -m pytest tests/test_robust.py -q -m robust -s

bench: $(STAMP)
	$(PY) benchmarks/run.py

docs: $(STAMP)
	$(VENV)/bin/flopscope costs --format markdown > docs/cost-reference.md
	@echo "wrote docs/cost-reference.md"
	$(PY) tools/refresh_console_blocks.py
	$(MAKE) site

# the docs site (MkDocs, Material theme) into site/: open site/index.html, no server or network needed
site: $(STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict --site-dir site

# docs/img/cost-reference-fft.png, the cost reference's FFT rows as headless Chromium draws them
screenshot: site browser
	$(PY) tools/screenshot.py site docs/img/cost-reference-fft.png

stubs: $(STAMP)
	$(PY) tools/gen_stubs.py

clean:
	rm -rf $(VENV) build site *.egg-info .pytest_cache
