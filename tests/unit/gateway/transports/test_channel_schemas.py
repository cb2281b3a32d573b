"""The channel JSON Schemas agree with the keys the config classes read."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from gateway.transports._sftp_connection import CONNECTION_KEYS
from gateway.transports.folder import FolderConfig, FolderIntakeConfig
from gateway.transports.sftp import SftpConfig
from gateway.transports.sftp_intake import SftpIntakeConfig

SCHEMAS = Path(__file__).resolve().parents[4] / "schemas" / "channels"


def schema(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / f"{name}.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(loaded)
    return loaded


@pytest.mark.parametrize(
    ("name", "part", "keys"),
    [
        ("folder", "outbound", FolderConfig.KEYS),
        ("folder", "intake", FolderIntakeConfig.KEYS),
        ("sftp", "outbound", (*CONNECTION_KEYS, *SftpConfig.KEYS)),
        ("sftp", "intake", (*CONNECTION_KEYS, *SftpIntakeConfig.KEYS)),
    ],
)
def test_schema_keys_match_config(name: str, part: str, keys: tuple[str, ...]) -> None:
    assert set(schema(name)["$defs"][part]["properties"]) == set(keys)


def errors(name: str, data: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema(name))
    return [e.message for e in validator.iter_errors(data)]


def test_schemas_accept_and_refuse() -> None:
    good = {"host": "h", "username": "u", "remote-dir": "in", "host-key": "ssh-ed25519 AAAA", "key-file": "k"}
    assert errors("sftp", good) == []
    assert errors("sftp", {**good, "pattern": "*.xml", "after-confirm": "delete"}) == []
    assert errors("sftp", {**good, "password": "x"}) != []
    assert errors("sftp", {**good, "known-hosts-file": "kh"}) != [], "two host-key sources"
    no_auth = dict(good)
    del no_auth["key-file"]
    assert errors("sftp", no_auth) != []
    assert errors("folder", {"path": "out", "ack-dir": "acks"}) == []
    assert errors("folder", {"path": "in", "settle-seconds": 5}) == []
    assert errors("folder", {"path": "out", "file-name": "{filename}"}) != []
