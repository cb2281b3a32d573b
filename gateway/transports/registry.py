"""The name table of channels (STYLE.md §8, after fsspec's ``known_implementations``).

A channel is imported on first use, so ``import gateway`` never pulls in
paramiko, httpx or the AS2 crypto stack. Names come from partner files; they
are looked up here and nowhere else, never with ``getattr`` on user input.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from formats.errors import ConfigError

__all__ = ["INTAKES", "TRANSPORTS", "intake_class", "transport_class"]

TRANSPORTS: Mapping[str, str] = MappingProxyType(
    {
        "folder": "gateway.transports.folder:FolderTransport",
        "sftp": "gateway.transports.sftp:SftpTransport",
        "chorus": "gateway.transports.chorus:ChorusTransport",
        "soap": "gateway.transports.soap:SoapTransport",
        "as2": "gateway.transports.as2.channel:As2Transport",
    }
)
"""Channel name → ``module:Class``. Read-only; add a channel by adding a line here."""

INTAKES: Mapping[str, str] = MappingProxyType(
    {
        "folder": "gateway.transports.folder:FolderIntake",
        "sftp": "gateway.transports.sftp_intake:SftpIntake",
    }
)
"""Inbound channel name → ``module:Class``, read-only like :data:`TRANSPORTS`."""


def _load(table: Mapping[str, str], name: str, what: str) -> Any:
    try:
        target = table[name]
    except KeyError:
        known = ", ".join(sorted(table))
        raise ConfigError(f"unknown {what} type {name!r} (known: {known})") from None
    module_name, _, class_name = target.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, class_name)


def transport_class(name: str) -> Any:
    """Return the class implementing outbound channel ``name``.

    :raises ConfigError: the name is not a known channel.
    """
    return _load(TRANSPORTS, name, "channel")


def intake_class(name: str) -> Any:
    """Return the class implementing inbound channel ``name``.

    :raises ConfigError: the name is not a known intake channel.
    """
    return _load(INTAKES, name, "intake channel")
