"""The store: SQLAlchemy models, Alembic migrations, and functions that take a ``Session``."""

from gateway.store.db import IMMEDIATE, is_sqlite, open_engine, session_factory, sqlite_url
from gateway.store.migrate import current_revision, head_revision, upgrade

__all__ = [
    "IMMEDIATE",
    "current_revision",
    "head_revision",
    "is_sqlite",
    "open_engine",
    "session_factory",
    "sqlite_url",
    "upgrade",
]
