"""Open the database: SQLite in WAL mode by default, PostgreSQL through a URL.

SQLite is the single-node default. Its connections run in WAL mode with a busy
timeout, and the driver's own transaction handling is switched off so that a
transaction can start with ``BEGIN IMMEDIATE`` when it will write (the outbox
claim): two workers then queue on the write lock instead of one failing when
it upgrades a read lock. PostgreSQL is the multi-node store; claims there use
``SELECT … FOR UPDATE SKIP LOCKED``.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from formats.errors import ConfigError

__all__ = ["IMMEDIATE", "is_sqlite", "open_engine", "session_factory", "sqlite_url"]

#: Execution option asking SQLite for a write transaction from the start.
IMMEDIATE = "aiguillage_immediate"


def sqlite_url(path: Path) -> str:
    """Return the SQLAlchemy URL of a SQLite file."""
    return f"sqlite+pysqlite:///{path}"


def is_sqlite(engine: Engine) -> bool:
    """Tell whether ``engine`` talks to SQLite."""
    return engine.dialect.name == "sqlite"


def open_engine(url: str, *, pool_size: int = 5) -> Engine:
    """Create the engine for ``url`` (``sqlite+pysqlite:///…`` or ``postgresql+psycopg://…``).

    :raises ConfigError: the URL names a database we do not support.
    """
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if url.startswith("postgresql"):
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
        return create_engine(url, pool_size=pool_size, max_overflow=pool_size, pool_pre_ping=True)
    scheme = url.split(":", 1)[0]
    raise ConfigError(f"unsupported database {scheme!r}: use sqlite:///PATH or postgresql://…", path="database-url")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return the one session factory of an engine (objects stay usable after commit)."""
    return sessionmaker(engine, expire_on_commit=False)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    assert isinstance(dbapi_connection, sqlite3.Connection)
    # Autocommit at driver level: SQLAlchemy's "begin" event below emits BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # NORMAL in WAL mode keeps the database consistent on a crash of the process;
    # only an OS crash or power loss can lose the last commits.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _sqlite_begin(connection: Connection) -> None:
    immediate = connection.get_execution_options().get(IMMEDIATE, False)
    connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
