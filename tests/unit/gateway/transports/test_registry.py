"""The channel name tables: every entry imports, names match, unknown names are refused."""

from __future__ import annotations

import subprocess
import sys

import pytest

from formats.errors import ConfigError
from gateway.transports import Intake, Transport
from gateway.transports.registry import INTAKES, TRANSPORTS, intake_class, transport_class


@pytest.mark.parametrize("name", ["folder", "sftp"])
def test_file_drop_channels_are_registered(name: str) -> None:
    # issubclass() refuses protocols with data members (``name``), so compare the method sets.
    cls = transport_class(name)
    assert cls.name == name
    assert all(callable(getattr(cls, m, None)) for m in (*_methods(Transport), "from_config"))
    intake = intake_class(name)
    assert intake.name == name
    assert all(callable(getattr(intake, m, None)) for m in (*_methods(Intake), "from_config"))


def _methods(protocol: type) -> list[str]:
    return [m for m, v in vars(protocol).items() if callable(v) and not m.startswith("_")]


def test_tables_are_read_only() -> None:
    with pytest.raises(TypeError):
        TRANSPORTS["evil"] = "os:system"  # type: ignore[index]
    with pytest.raises(TypeError):
        INTAKES["evil"] = "os:system"  # type: ignore[index]


def test_unknown_names_are_config_errors() -> None:
    with pytest.raises(ConfigError, match=r"unknown channel type 'ftp' \(known: .*folder.*sftp"):
        transport_class("ftp")
    with pytest.raises(ConfigError, match=r"unknown intake channel type 'smtp' \(known: folder, sftp\)"):
        intake_class("smtp")


def test_importing_the_package_does_not_import_paramiko() -> None:
    code = "import sys, gateway.transports; sys.exit('paramiko' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0
