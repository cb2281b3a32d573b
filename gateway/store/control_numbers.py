"""Interchange control references kept in the store: one durable sequence per sender/recipient pair.

Implements :class:`formats.edifact.control_numbers.ControlNumbers`: the counter
lives in the ``sequences`` table and is incremented in its own short write
transaction, so two workers never hand out the same UNB 0020, and a restart
never reuses one (a partner would reject the interchange as a duplicate, CONTRL
error 26).
"""

from __future__ import annotations

from sqlalchemy import Engine

from formats.edifact.control_numbers import MAX_CONTROL_NUMBER
from gateway.store.claims import write_session
from gateway.store.models import SequenceRow
from gateway.store.repo import next_sequence

__all__ = ["StoreControlNumbers"]


class StoreControlNumbers:
    """UNB 0020 sequences in the ``sequences`` table."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def next_reference(self, sender: str, recipient: str) -> str:
        """Return the next reference of the (sender, recipient) sequence, from 1, wrapping after 14 nines."""
        name = f"edifact:{sender}:{recipient}"[:255]
        with write_session(self.engine) as session, session.begin():
            value = next_sequence(session, name)
            if value > MAX_CONTROL_NUMBER:
                row = session.get(SequenceRow, name)
                assert row is not None
                row.value = value = 1
            return str(value)
