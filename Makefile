# The README's two fresh-machine commands are `make run` and `make test`.
VENV    ?= .venv
PY      := $(VENV)/bin/python
CLI     := $(VENV)/bin/crm-archive
DATA    ?= crm-data
PORT    ?= 5000
# Debian packages: tesseract for OCR (run and tests); Chromium and a TTF font only for the tests;
# postgresql for the tests of the PostgreSQL catalog (they start a throw-away server of their own).
RUN_PKGS  := tesseract-ocr tesseract-ocr-spa tesseract-ocr-eng
TEST_PKGS := $(RUN_PKGS) chromium fonts-dejavu-core postgresql
# poppler's pdftotext: only the reference of the PDF extraction benchmark (make bench-pdf).
BENCH_PKGS := poppler-utils

.PHONY: run test install install-test system-deps bench bench-pdf clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

# setuptools prints an informational "Editable installation" banner (a UserWarning of the build backend)
# for every editable install of a flat layout; it is not a problem of this package, so the install step
# alone does not show it. Real packaging problems still fail the wheel test in tests/packaging/test_wheel.py.
QUIET_BUILD := PYTHONWARNINGS=ignore::UserWarning

install: $(VENV)/bin/python
	$(QUIET_BUILD) $(PY) -m pip install -q -e .

install-test: $(VENV)/bin/python
	$(MAKE) --no-print-directory system-deps PKGS="$(TEST_PKGS)"
	$(QUIET_BUILD) $(PY) -m pip install -q -e '.[test,bench]'

# Installs the Debian packages in PKGS that are missing (apt-get, as root or through sudo).
PKGS ?= $(RUN_PKGS)
system-deps:
	@missing=""; for p in $(PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# Install, ingest the bundled corpus, serve the UI on 127.0.0.1.
run: install system-deps
	$(CLI) --data $(DATA) ingest corpus/
	$(CLI) --data $(DATA) serve --host 127.0.0.1 --port $(PORT)

# Install everything and run the whole test suite (browser and OCR tests included).
test: install-test
	$(PY) -m pytest

bench: install-test
	$(PY) -m bench --scale 10k

clean:
	rm -rf $(DATA) test-output .pytest_cache

bench-pdf: install-test
	$(MAKE) --no-print-directory system-deps PKGS="$(BENCH_PKGS)"
	$(PY) -m bench.pdf_extraction
