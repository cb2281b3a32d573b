"""The Alembic migrations build exactly the schema the models describe, on both databases."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from gateway.store import current_revision, head_revision, open_engine, upgrade
from gateway.store.models import Base


def test_migrations_match_the_models(database_url: str) -> None:
    engine = open_engine(database_url)
    assert current_revision(engine) is None
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    assert differences == []
    upgrade(engine)  # a second start is a no-op
    assert current_revision(engine) == head_revision()
    engine.dispose()
