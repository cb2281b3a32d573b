"""Durable per-channel tracking state: the store's implementation of a channel's ``PendingTracking``.

A channel that follows a delivery after sending it (Chorus Pro: flow state, then
the invoice's status history) records its progress here, so that any worker, or the
same one after a restart, polls on from where the last poll stopped.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import Engine, delete, select
from sqlalchemy.orm import Session

from gateway.store.claims import write_session
from gateway.store.models import TrackingRow

__all__ = ["StoreTracking"]

T = TypeVar("T")


class StoreTracking(Generic[T]):
    """Tracking records of one channel (``partner/channel``), kept as JSON rows.

    :param kind: the channel's record dataclass (e.g. ``TrackedDelivery``); a field
        ``message_id`` names the delivery.
    """

    def __init__(self, engine: Engine, channel_key: str, kind: type[T], *, clock: Callable[[], Any]) -> None:
        self.engine = engine
        self.channel_key = channel_key
        self._kind = kind
        self._clock = clock

    def add(self, item: T) -> None:
        """Start following a delivery."""
        self.update(item)

    def pending(self) -> list[T]:
        """Return the deliveries still followed."""
        with Session(self.engine) as session:
            rows = session.scalars(select(TrackingRow).where(TrackingRow.channel_key == self.channel_key))
            return [self._kind(**row.state) for row in rows]

    def update(self, item: T) -> None:
        """Save a delivery's progress."""
        state = dataclasses.asdict(item)  # type: ignore[call-overload]
        with write_session(self.engine) as session, session.begin():
            row = session.get(TrackingRow, state["message_id"])
            if row is None:
                session.add(
                    TrackingRow(
                        message_id=state["message_id"],
                        channel_key=self.channel_key,
                        state=state,
                        updated_at=self._clock(),
                    )
                )
            else:
                row.state = state
                row.updated_at = self._clock()

    def finish(self, message_id: str) -> None:
        """Stop following a delivery."""
        with write_session(self.engine) as session, session.begin():
            session.execute(delete(TrackingRow).where(TrackingRow.message_id == message_id))
