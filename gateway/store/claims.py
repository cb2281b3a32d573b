"""Claim rows for one worker: ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite.

A claim sets ``lease_owner`` and ``lease_expires_at`` in one short transaction.
On PostgreSQL, rows another worker is claiming at the same moment are skipped
instead of waited for, so N workers never block each other and never take the
same row. SQLite has one writer at a time anyway: the claim takes the write lock
at ``BEGIN`` so two processes queue instead of failing on a lock upgrade. A
worker that dies keeps its rows only until the lease expires; then any worker
can claim them again.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Engine, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from gateway.store.db import IMMEDIATE, is_sqlite
from gateway.store.models import DeliveryRow, InvoiceRow, LeaseRow

__all__ = ["claim_deliveries", "claim_received", "hold_lease", "release_leases", "write_session"]


def write_session(engine: Engine) -> Session:
    """Return a session whose transactions take the write lock at once on SQLite."""
    bind = engine.execution_options(**{IMMEDIATE: True}) if is_sqlite(engine) else engine
    return Session(bind, expire_on_commit=False)


def _claim(
    engine: Engine,
    model: Any,
    due: ColumnElement[bool],
    order: Any,
    *,
    worker: str,
    now: dt.datetime,
    limit: int,
    lease: dt.timedelta,
    values: dict[str, Any],
) -> list[Any]:
    with write_session(engine) as session, session.begin():
        ids = list(
            session.scalars(select(model.id).where(due).order_by(order).limit(limit).with_for_update(skip_locked=True))
        )
        if not ids:
            return []
        session.execute(
            update(model)
            .where(model.id.in_(ids))
            .values(lease_owner=worker, lease_expires_at=now + lease, **values)
            .execution_options(synchronize_session=False)
        )
        return ids


def claim_deliveries(engine: Engine, *, worker: str, now: dt.datetime, limit: int, lease: dt.timedelta) -> list[int]:
    """Lease up to ``limit`` deliveries that are due (or whose lease expired) and count the attempt."""
    due = or_(
        (DeliveryRow.status == "pending") & (DeliveryRow.next_attempt_at <= now),
        (DeliveryRow.status == "leased") & (DeliveryRow.lease_expires_at < now),
    )
    return _claim(
        engine,
        DeliveryRow,
        due,
        DeliveryRow.next_attempt_at,
        worker=worker,
        now=now,
        limit=limit,
        lease=lease,
        values={"status": "leased", "attempts": DeliveryRow.attempts + 1, "updated_at": now},
    )


def claim_received(engine: Engine, *, worker: str, now: dt.datetime, limit: int, lease: dt.timedelta) -> list[str]:
    """Lease up to ``limit`` invoices waiting for the pipeline (new, replayed, or left by a dead worker)."""
    due = (InvoiceRow.status == "received") & or_(InvoiceRow.lease_owner.is_(None), InvoiceRow.lease_expires_at < now)
    return _claim(
        engine, InvoiceRow, due, InvoiceRow.created_at, worker=worker, now=now, limit=limit, lease=lease, values={}
    )


def hold_lease(engine: Engine, name: str, *, owner: str, now: dt.datetime, duration: dt.timedelta) -> bool:
    """Take or renew the named lease; return ``False`` while another owner holds it unexpired."""
    with write_session(engine) as session, session.begin():
        row = session.scalar(select(LeaseRow).where(LeaseRow.name == name).with_for_update())
        if row is None:
            session.add(LeaseRow(name=name, owner=owner, expires_at=now + duration))
            try:
                session.flush()
            except IntegrityError:
                return False  # another process created it a moment ago: it holds it
            return True
        if row.owner != owner and row.expires_at > now:
            return False
        row.owner = owner
        row.expires_at = now + duration
        return True


def release_leases(engine: Engine, *, owner: str) -> None:
    """Give up every named lease ``owner`` holds (a worker stopping cleanly), so others take over at once."""
    with write_session(engine) as session, session.begin():
        session.execute(delete(LeaseRow).where(LeaseRow.owner == owner))
