# The README's two fresh-machine commands are `make run` and `make test`.
VENV    ?= .venv
PY      := $(VENV)/bin/python
CLI     := $(VENV)/bin/crm-archive
DATA    ?= crm-data
PORT    ?= 5000
APT_PKGS := chromium tesseract-ocr tesseract-ocr-spa tesseract-ocr-eng fonts-dejavu-core

.PHONY: run test install install-test system-deps bench clean

$(VENV)/bin/python:
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

install: $(VENV)/bin/python
	$(PY) -m pip install -q -e .

install-test: $(VENV)/bin/python system-deps
	$(PY) -m pip install -q -e '.[test,bench]'

# Debian packages: Chromium for the browser tests, tesseract for OCR. Installed only when missing.
system-deps:
	@missing=""; for p in $(APT_PKGS); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
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
