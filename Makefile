# Two entry points for a fresh machine (see README.md):
#   make demo   - set up a virtual environment, synthesize a capture and decode it
#   make test   - set up the same environment and run the whole test suite (what CI runs)
#   make test-fast - the same without the tests marked slow (the inner loop)
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast test-pure build lint bench clean check-fast sanitizers

demo: $(STAMP)
	$(VENV)/bin/skypeflux demo

test: lint
	$(PY) -m pytest -q

# The inner loop: everything but the tests marked slow (CI runs `make test`, all of them).
test-fast: lint
	$(PY) -m pytest -q -m "not slow"

# Rebuild the C extensions and the mypyc-compiled modules after editing them (the tests refuse
# to start on a compiled module older than its source).
build: $(STAMP)
	$(PY) setup.py -q build_ext --inplace

# The fast tests again on the plain-Python source of the mypyc-compiled modules (CI): a copy of
# src without their libraries, so what the compiled build runs is also proven as written.
test-pure: $(STAMP)
	$(PY) -m tests.helpers.compiled build/pure
	PYTHONPATH=build/pure $(PY) -c "import skypeflux.capture.pipeline as p; \
	assert p.__file__.endswith('.py') and 'build/pure' in p.__file__, p.__file__"
	PYTHONPATH=build/pure $(PY) -m pytest -q -m "not slow" -p no:cacheprovider

# CI: fail when a C fast path was not built (the pure-vs-C tests would compare pure with pure)
check-fast: $(STAMP)
	$(PY) -c "from skypeflux.crypto import backends as c; from skypeflux.objects import backends as o; \
	from skypeflux.capture.net import packets as n; from skypeflux.outputs import jsonl as j; \
	missing = [n for n, b in (('crypto', c), ('objects', o)) if 'fast' not in b.available()]; \
	missing += [] if n._fast_parse else ['capture.net (_fastnet)']; \
	missing += [] if j.fast_available() else ['outputs (_fastjson)']; \
	from tests.helpers.compiled import compiled_names, built; \
	missing += [n for n in compiled_names() if not built(n)]; \
	assert not missing, f'C fast path not built: {missing}'; print('C fast paths and mypyc modules built')"

# the codec fuzzers against an ASan/UBSan build of the C extensions (.ci/sanitizers)
sanitizers: $(STAMP)
	bash .ci/sanitizers $(abspath $(PY))

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: $(STAMP)
	$(PY) benchmarks/bench_crypto.py
	$(PY) benchmarks/bench_objects.py
	$(PY) benchmarks/bench_decode.py
	$(PY) benchmarks/bench_memory.py
	$(PY) benchmarks/bench_throughput.py
	$(PY) benchmarks/bench_recover.py

# The version is checked before anything is created, so a failed first run leaves no .venv behind
# that would keep failing; a venv that fails half-way is removed for the same reason.
$(STAMP): pyproject.toml setup.py
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	    echo "skypeflux needs Python 3.11 or newer; '$(PYTHON)' is $$($(PYTHON) -V 2>&1 || echo missing)." >&2; \
	    echo "Install one (e.g. apt-get install python3.11 python3.11-venv) and run: make $(MAKECMDGOALS) PYTHON=python3.11" >&2; \
	    exit 1; }
	@$(PYTHON) -c 'import venv, ensurepip' 2>/dev/null || { \
	    echo "'$(PYTHON)' has no venv/ensurepip module: install python3-venv (Debian/Ubuntu), then run make $(MAKECMDGOALS) again" >&2; \
	    exit 1; }
	$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); exit 1; }
	$(PY) -m pip install --quiet --upgrade pip setuptools || { rm -rf $(VENV); exit 1; }
	$(PY) -m pip install --quiet -e '.[test]' || { rm -rf $(VENV); exit 1; }
	touch $(STAMP)

clean:
	rm -rf $(VENV) build src/*.egg-info src/skypeflux/*/*.so
