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

__all__ = ["TRANSPORTS", "transport_class"]

TRANSPORTS: Mapping[str, str] = MappingProxyType(
    {
        "folder": "gateway.transports.folder:FolderTransport",
        "sftp": "gateway.transports.sftp:SftpTransport",
    }
)
"""Channel name → ``module:Class``. Read-only; add a channel by adding a line here."""


def transport_class(name: str) -> Any:
    """Return the class implementing channel ``name``.

    :raises ConfigError: the name is not a known channel.
    """
    try:
        target = TRANSPORTS[name]
    except KeyError:
        known = ", ".join(sorted(TRANSPORTS))
        raise ConfigError(f"unknown channel type {name!r} (known: {known})") from None
    module_name, _, class_name = target.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, class_name)
