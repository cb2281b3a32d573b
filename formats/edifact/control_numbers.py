"""Interchange control references (UNB/UNZ 0020): one sequence per sender/recipient pair.

ISO 9735-1 asks that 0020 be unique for each interchange a sender sends to a
recipient; a partner detects duplicates by it (CONTRL code 26). The gateway
store implements :class:`ControlNumbers` durably; :class:`InMemoryControlNumbers`
serves tests and one-shot tools.
"""

from __future__ import annotations

import threading
from typing import Protocol

__all__ = ["MAX_CONTROL_NUMBER", "ControlNumbers", "InMemoryControlNumbers"]

MAX_CONTROL_NUMBER = 10**14 - 1
"""0020 is an..14; a numeric sequence wraps to 1 after fourteen nines."""


class ControlNumbers(Protocol):
    """Hands out interchange control references."""

    def next_reference(self, sender: str, recipient: str) -> str:
        """Return the next unused 0020 for interchanges from ``sender`` to ``recipient``."""
        ...


class InMemoryControlNumbers:
    """Counters in a dict, safe across threads, lost at exit."""

    def __init__(self, *, start: int = 1, width: int = 0) -> None:
        """Create the counters.

        :param start: the first reference of every pair.
        :param width: left-pad with zeros to this many digits (some partners want ``00000001``).
        """
        if not 1 <= start <= MAX_CONTROL_NUMBER:
            raise ValueError(f"start must be between 1 and {MAX_CONTROL_NUMBER}")
        if not 0 <= width <= 14:
            raise ValueError("width must be between 0 and 14")
        self._start = start
        self._width = width
        self._next: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()

    def next_reference(self, sender: str, recipient: str) -> str:
        """Return the next reference of the (sender, recipient) sequence."""
        with self._lock:
            value = self._next.get((sender, recipient), self._start)
            self._next[(sender, recipient)] = 1 if value >= MAX_CONTROL_NUMBER else value + 1
        return str(value).zfill(self._width)
