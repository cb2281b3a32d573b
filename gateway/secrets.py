"""Credentials by reference: a config names where a secret is, never the secret.

A partner file says ``password-env: ACME_SFTP_PASSWORD`` or
``key-file: /etc/aiguillage/acme.key``; an inline ``password:`` is refused by
the partner schema. Resolution happens when a channel is built, so a missing
variable is reported with the file and key that asked for it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from formats.errors import ConfigError

__all__ = ["SecretRef", "secret_ref"]


@dataclass(frozen=True, slots=True)
class SecretRef:
    """Where a secret lives: an environment variable or a file."""

    env: str | None = None
    file: Path | None = None
    where: str = ""
    """File and key that asked for it, for error messages."""

    def text(self) -> str:
        """Return the secret as text (trailing newline of a file dropped).

        :raises ConfigError: the variable is unset or the file unreadable.
        """
        if self.env is not None:
            value = os.environ.get(self.env)
            if value is None:
                raise ConfigError(f"environment variable {self.env} is not set", path=self.where)
            return value
        return self.bytes().decode("utf-8").rstrip("\r\n")

    def bytes(self) -> bytes:
        """Return the secret as bytes (a key or certificate file is read whole)."""
        if self.env is not None:
            return self.text().encode("utf-8")
        assert self.file is not None
        try:
            return self.file.read_bytes()
        except OSError as exc:
            raise ConfigError(f"cannot read {self.file}: {exc.strerror}", path=self.where) from exc

    def __repr__(self) -> str:
        # Never the value: a repr can end up in a log.
        origin = f"env:{self.env}" if self.env else f"file:{self.file}"
        return f"SecretRef({origin})"


def secret_ref(params: Mapping[str, object], key: str, *, where: str, base: Path | None = None) -> SecretRef | None:
    """Return the reference held under ``<key>-env`` or ``<key>-file`` in ``params``, or ``None``.

    :param key: the secret's name, e.g. ``password`` or ``key``.
    :param where: file and key path of ``params``, for messages.
    :param base: directory that relative file paths are resolved against (the partner file's).
    :raises ConfigError: both forms are given, or the value is not a string.
    """
    env = params.get(f"{key}-env")
    file = params.get(f"{key}-file")
    if env is not None and file is not None:
        raise ConfigError(f"give {key}-env or {key}-file, not both", path=where)
    if env is not None:
        if not isinstance(env, str):
            raise ConfigError(f"{key}-env must be a variable name", path=f"{where}.{key}-env")
        return SecretRef(env=env, where=f"{where}.{key}-env")
    if file is not None:
        if not isinstance(file, str):
            raise ConfigError(f"{key}-file must be a path", path=f"{where}.{key}-file")
        path = Path(file)
        if base is not None and not path.is_absolute():
            path = base / path
        return SecretRef(file=path, where=f"{where}.{key}-file")
    return None
