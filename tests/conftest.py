"""Shared fixtures: where the corpus and the official artefacts are.

Both live in ``../shared`` beside the checkout (never copied into the repo).
``AIGUILLAGE_CORPUS`` / ``AIGUILLAGE_ARTEFACTS`` override the defaults.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest_plugins = ["tests.support.fixtures"]

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"
CORPUS = Path(os.environ.get("AIGUILLAGE_CORPUS", SHARED / "corpus"))
ARTEFACTS = Path(os.environ.get("AIGUILLAGE_ARTEFACTS", SHARED / "validation-artefacts"))

# The product reads the artefacts directory from this variable; point it at the
# shared copy for the whole test session (and for subprocesses the tests start).
os.environ.setdefault("AIGUILLAGE_ARTEFACTS", str(ARTEFACTS))


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not (CORPUS / "expected.tsv").is_file():
        pytest.fail(f"corpus not found at {CORPUS} (set AIGUILLAGE_CORPUS)")
    return CORPUS


@pytest.fixture(scope="session")
def artefacts_dir() -> Path:
    if not ARTEFACTS.is_dir():
        pytest.fail(f"validation artefacts not found at {ARTEFACTS} (set AIGUILLAGE_ARTEFACTS)")
    return ARTEFACTS
