"""The gateway's own configuration: ``<home>/gateway.yaml``, every key optional.

::

    database-url: sqlite:///…      # default: <home>/gateway.db (SQLite, WAL); or postgresql://…
    partners: partners             # directory of partner profiles (relative to <home>)
    mappings: mappings             # plain-PDF mapping files
    validation:
      layers: [xsd, cen]           # what every incoming invoice must pass; [] switches validation off
    api:
      host: 127.0.0.1
      port: 8080
    workers: 2                     # worker threads started by `gateway run`
    lease-seconds: 60
    intake:                        # channels the workers poll for incoming invoices
      - type: folder
        name: inbox
        path: inbox                # relative to <home>
      - type: sftp
        name: erp-export
        host: erp.example
        username: gateway
        host-key: "erp.example ssh-ed25519 AAAA…"
        key-file: /etc/aiguillage/erp.key
        remote-dir: /export/invoices

``AIGUILLAGE_DATABASE_URL`` overrides ``database-url`` (so a secret password in
the URL can stay out of the file).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from formats.errors import ConfigError
from formats.validation.layers import Layer, parse_layers
from gateway.intake_poller import IntakeSpec, intake_specs
from gateway.store.db import sqlite_url

__all__ = ["CONFIG_NAME", "GatewayConfig"]

CONFIG_NAME = "gateway.yaml"
_KEYS = {"database-url", "partners", "mappings", "validation", "api", "workers", "lease-seconds", "intake"}


@dataclass(frozen=True, slots=True)
class GatewayConfig:
    """Where the gateway keeps its data and how it runs."""

    home: Path
    database_url: str
    partners_dir: Path
    mappings_dir: Path
    layers: tuple[Layer, ...] = (Layer.XSD, Layer.CEN)
    api_host: str = "127.0.0.1"
    api_port: int = 8080
    workers: int = 2
    lease_seconds: float = 60.0
    intakes: tuple[IntakeSpec, ...] = ()
    """Watched folders and SFTP mailboxes the workers poll (``intake``)."""

    @classmethod
    def load(cls, home: Path) -> GatewayConfig:
        """Read ``<home>/gateway.yaml`` (absent means all defaults).

        :raises ConfigError: the file is not valid YAML, or a key is unknown or of the wrong type.
        """
        path = home / CONFIG_NAME
        data: dict[str, Any] = {}
        if path.is_file():
            try:
                loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
            except yaml.YAMLError as exc:
                raise ConfigError(f"not valid YAML: {exc}", path=str(path)) from exc
            if loaded is not None and not isinstance(loaded, dict):
                raise ConfigError("expected a mapping of settings", path=str(path))
            data = loaded or {}
        unknown = sorted(set(data) - _KEYS)
        if unknown:
            raise ConfigError(
                f"unknown setting(s): {', '.join(unknown)} (known: {', '.join(sorted(_KEYS))})", path=str(path)
            )
        url = os.environ.get("AIGUILLAGE_DATABASE_URL") or data.get("database-url") or sqlite_url(home / "gateway.db")
        validation = data.get("validation") or {}
        layers_value = validation.get("layers", ["xsd", "cen"]) if isinstance(validation, dict) else None
        if not isinstance(layers_value, list):
            raise ConfigError("validation.layers must be a list of layer ids", path=f"{path}: validation.layers")
        layers = parse_layers(",".join(str(v) for v in layers_value)) if layers_value else ()
        api = data.get("api") or {}
        return cls(
            home=home,
            database_url=str(url),
            partners_dir=home / str(data.get("partners", "partners")),
            mappings_dir=home / str(data.get("mappings", "mappings")),
            layers=layers,
            api_host=str(api.get("host", "127.0.0.1")),
            api_port=_int(api.get("port", 8080), f"{path}: api.port"),
            workers=_int(data.get("workers", 2), f"{path}: workers"),
            lease_seconds=float(data.get("lease-seconds", 60)),
            intakes=intake_specs(data.get("intake"), where=str(path)),
        )


def _int(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"expected an integer, got {value!r}", path=where)
    return value
