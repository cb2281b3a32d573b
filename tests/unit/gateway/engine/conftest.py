"""Engine tests run on both stores: SQLite (single node) and the PostgreSQL on 127.0.0.1:5432."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite+pysqlite:///{tmp_path / 'gateway.db'}"
        return
    name = f"aig_unit_{uuid.uuid4().hex[:12]}"
    # A PostgreSQL that does not answer is a failure, not a skip: the multi-node mode depends on it.
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


PARTNER = """\
name: Transports Lumière SARL
segment: key-account
identifiers:
  siren: "812345676"
receives:
  formats: [{formats}]
  validate: [{validate}]
channels:
{channels}
retry: {{max-attempts: 2, initial-delay: 10, multiplier: 2, jitter: 0}}
"""


def write_partner(home: Path, out: Path, *, formats: str = "ubl", extra_channels: str = "", validate: str = "") -> Path:
    """Write the samples' buyer as a partner delivering to the folder ``out``."""
    channels = f"  - type: folder\n    name: primary\n    path: {out}\n{extra_channels}"
    path = home / "partners" / "lumiere.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(PARTNER.format(formats=formats, channels=channels, validate=validate), encoding="utf-8")
    return path
