"""Reading one channel's parameters from a partner file (STYLE.md §14).

A channel's mapping arrives as parsed YAML, already stripped of ``type`` and
``name``. :class:`Params` checks the key set once (every unknown key and every
missing key in one message, like pyHanko's ``ConfigurableMixin``) and then hands
out typed values, each error naming the exact key, e.g.
``partners/acme.yaml: channels[0].port: expected an integer, got 'abc'``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from formats.errors import ConfigError

__all__ = ["Params"]


@dataclass(frozen=True, slots=True)
class Params:
    """One channel's parameters, with the place they came from."""

    data: Mapping[str, Any]
    where: str
    """File and key path of the mapping, e.g. ``partners/acme.yaml: channels[0]``."""
    base: Path
    """Directory that relative paths resolve against (the partner file's)."""

    @classmethod
    def check(
        cls,
        data: Mapping[str, Any],
        *,
        where: str,
        base: Path,
        required: Collection[str],
        optional: Collection[str],
    ) -> Params:
        """Return the parameters once the key set is right.

        :raises ConfigError: ``data`` is not a mapping, has unknown keys or lacks required ones (all listed).
        """
        if not isinstance(data, Mapping):
            raise ConfigError(f"expected a mapping, got {type(data).__name__}", path=where)
        known = set(required) | set(optional)
        unknown = sorted(str(key) for key in data if key not in known)
        missing = sorted(key for key in required if key not in data)
        problems = []
        if unknown:
            problems.append(f"unknown key(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        if missing:
            problems.append(f"missing key(s): {', '.join(missing)}")
        if problems:
            raise ConfigError("; ".join(problems), path=where)
        return cls(data, where, base)

    def path_of(self, key: str) -> str:
        """Return the place of ``key`` for messages."""
        return f"{self.where}.{key}"

    def has(self, key: str) -> bool:
        """Return whether ``key`` is given."""
        return key in self.data

    def text(self, key: str, default: str | None = None) -> str:
        """Return a non-empty string."""
        value = self.data.get(key, default)
        if not isinstance(value, str) or not value:
            raise ConfigError(f"expected a non-empty string, got {value!r}", path=self.path_of(key))
        return value

    def optional_text(self, key: str) -> str | None:
        """Return a non-empty string, or ``None`` when the key is absent."""
        return self.text(key) if key in self.data else None

    def integer(self, key: str, default: int, *, minimum: int, maximum: int) -> int:
        """Return an integer within ``[minimum, maximum]``."""
        value = self.data.get(key, default)
        # bool is an int subclass; ``port: yes`` is a mistake, not 1.
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"expected an integer, got {value!r}", path=self.path_of(key))
        if not minimum <= value <= maximum:
            raise ConfigError(f"expected {minimum}..{maximum}, got {value}", path=self.path_of(key))
        return value

    def seconds(self, key: str, default: float) -> float:
        """Return a positive number of seconds."""
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise ConfigError(f"expected a positive number of seconds, got {value!r}", path=self.path_of(key))
        return float(value)

    def choice(self, key: str, default: str, choices: Collection[str]) -> str:
        """Return one of ``choices``."""
        value = self.data.get(key, default)
        if value not in choices:
            expected = ", ".join(sorted(choices))
            raise ConfigError(f"expected one of {expected}, got {value!r}", path=self.path_of(key))
        return str(value)

    def directory(self, key: str, default: Path | None = None) -> Path:
        """Return a local path, resolved against :attr:`base` when relative."""
        if key not in self.data and default is not None:
            return default
        path = Path(self.text(key))
        return path if path.is_absolute() else self.base / path

    def strings(self, key: str) -> tuple[str, ...]:
        """Return one string or a list of strings as a tuple."""
        value = self.data.get(key)
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items or not all(isinstance(i, str) and i for i in items):
            raise ConfigError(
                f"expected a string or a list of non-empty strings, got {value!r}", path=self.path_of(key)
            )
        return tuple(items)
