# Two entry points for a fresh machine: `make chat` and `make test` (see README.md).
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PYTHON ?= python3

.PHONY: chat test test-fast index chromium poppler clean

# torch first, pinned: its CPU wheel is on local disk, and any other torch request
# would pull gigabytes of CUDA packages from the registry.
$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q torch==2.13.0
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

chat: $(STAMP)
	$(VENV)/bin/qa serve

index: $(STAMP)
	$(VENV)/bin/qa index

# Debian's Chromium for the browser tests (Playwright cannot download browsers here).
chromium:
	@test -x /usr/bin/chromium || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq chromium >/dev/null; fi; }

# Debian's poppler-utils: pdftotext -layout, the independent reading the PDF tests compare with.
poppler:
	@command -v pdftotext >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq poppler-utils >/dev/null; \
	  else sudo apt-get update -qq && sudo apt-get install -y -qq poppler-utils >/dev/null; fi; }

test: $(STAMP) chromium poppler
	$(VENV)/bin/pytest -q

test-fast: $(STAMP)
	$(VENV)/bin/pytest -q -m "not integration and not browser and not load"

clean:
	rm -rf $(VENV) .qa-index test-output .pytest_cache
