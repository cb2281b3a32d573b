"""Typed reads of Chorus Pro JSON answers: a wrong type is a protocol error naming the field."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from chorus.errors import ChorusProtocolError

__all__ = ["Payload", "parse_date", "parse_datetime", "parse_json"]

_DATETIME_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d")


def parse_json(content: bytes, where: str) -> Payload:
    """Parse an answer body that must be a JSON object.

    :raises ChorusProtocolError: not JSON, or not an object.
    """
    try:
        data = json.loads(content)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ChorusProtocolError(f"{where}: the answer is not JSON") from exc
    if not isinstance(data, dict):
        raise ChorusProtocolError(f"{where}: the answer is not a JSON object")
    return Payload(data, where)


def parse_datetime(text: str | None) -> datetime | None:
    """Read a Chorus Pro date-time (``YYYY-MM-DD HH:MM``; ISO forms and dates accepted); ``None`` if unreadable."""
    if not text:
        return None
    text = text.strip()
    for fmt in _DATETIME_FORMATS:
        try:
            # Chorus Pro gives Paris local time without an offset: the datetime stays naive.
            return datetime.strptime(text, fmt)
        except ValueError:
            continue
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        return None


def parse_date(text: str | None) -> date | None:
    """Read a ``YYYY-MM-DD`` date (a date-time keeps its date part); ``None`` if unreadable."""
    moment = parse_datetime(text)
    return moment.date() if moment is not None else None


@dataclass(frozen=True, slots=True)
class Payload:
    """A JSON object from an answer, with the path it was found at (for messages)."""

    data: Mapping[str, object]
    where: str

    def _bad(self, key: str, expected: str) -> ChorusProtocolError:
        return ChorusProtocolError(f"{self.where}.{key}: expected {expected}, got {self.data.get(key)!r}")

    def opt_str(self, key: str) -> str | None:
        """Return a string field, ``None`` when absent or null; numbers are accepted as text."""
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            raise self._bad(key, "a string")
        if isinstance(value, (str, int)):
            return str(value)
        raise self._bad(key, "a string")

    def req_str(self, key: str) -> str:
        """Return a string field that must be present."""
        value = self.opt_str(key)
        if value is None:
            raise ChorusProtocolError(f"{self.where}: field {key!r} is missing")
        return value

    def opt_int(self, key: str) -> int | None:
        """Return an integer field (numeric strings accepted), ``None`` when absent."""
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            raise self._bad(key, "an integer")
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            return int(value)
        raise self._bad(key, "an integer")

    def req_int(self, key: str) -> int:
        """Return an integer field that must be present."""
        value = self.opt_int(key)
        if value is None:
            raise ChorusProtocolError(f"{self.where}: field {key!r} is missing")
        return value

    def opt_bool(self, key: str) -> bool | None:
        """Return a boolean field, ``None`` when absent (``"true"``/``"false"`` strings accepted)."""
        value = self.data.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false"):
            return value.lower() == "true"
        raise self._bad(key, "a boolean")

    def obj(self, key: str) -> Payload:
        """Return a nested object (an empty one when absent)."""
        value = self.data.get(key)
        if value is None:
            return Payload({}, f"{self.where}.{key}")
        if not isinstance(value, dict):
            raise self._bad(key, "an object")
        return Payload(value, f"{self.where}.{key}")

    def items(self, key: str) -> Iterator[Payload]:
        """Yield the objects of a list field (nothing when absent)."""
        value = self.data.get(key)
        if value is None:
            return
        if not isinstance(value, list):
            raise self._bad(key, "a list")
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise ChorusProtocolError(f"{self.where}.{key}[{index}]: expected an object")
            yield Payload(item, f"{self.where}.{key}[{index}]")
