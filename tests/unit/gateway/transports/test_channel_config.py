"""Channel configuration from partner files: errors name the file and the key (STYLE.md §14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from formats.errors import ConfigError
from gateway.transports.folder import FolderConfig, FolderIntakeConfig, FolderTransport
from gateway.transports.sftp import SftpConfig, SftpTransport
from gateway.transports.sftp_intake import SftpIntakeConfig
from tests.support.sshd import generate_ed25519

WHERE = "partners/acme.yaml: channels[0]"
HOST_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBN0YWZmIHRoYXQgaXMgMzIgYnl0ZXMgbG9uZyEhISE="


def sftp(**extra: Any) -> dict[str, Any]:
    base = {"host": "sftp.acme.example", "username": "u", "remote-dir": "in", "host-key": HOST_KEY, "key-file": "k"}
    return {**base, **extra}


def error(factory: Any, params: dict[str, Any], base: Path = Path("/cfg")) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        factory(params, where=WHERE, base=base)
    return caught.value


def test_folder_config_resolves_relative_paths() -> None:
    config = FolderConfig.from_config({"path": "out", "ack-dir": "/abs/acks"}, where=WHERE, base=Path("/cfg"))
    assert config.path == Path("/cfg/out")
    assert config.ack_dir == Path("/abs/acks")
    assert config.ack_after_read == "archive"


def test_unknown_and_missing_keys_listed_together() -> None:
    exc = error(FolderConfig.from_config, {"pth": "out", "colour": "red"})
    assert exc.path == WHERE
    assert "unknown key(s): colour, pth" in exc.message
    assert "missing key(s): path" in exc.message
    exc = error(SftpConfig.from_config, {"port": 22})
    assert "missing key(s): host, remote-dir, username" in exc.message


@pytest.mark.parametrize(
    ("factory", "params", "key", "text"),
    [
        (FolderConfig.from_config, {"path": ""}, "path", "non-empty string"),
        (FolderConfig.from_config, {"path": "o", "file-name": "{filename}"}, "file-name", "{message_id}"),
        (FolderConfig.from_config, {"path": "o", "file-name": "{message_id}{x.__class__}"}, "file-name", "brace"),
        (FolderConfig.from_config, {"path": "o", "file-name": "{message_id}{nope}"}, "file-name", "nope"),
        (FolderConfig.from_config, {"path": "o", "ack-name": "(?P<id>.*)"}, "ack-name", "message_id"),
        (FolderConfig.from_config, {"path": "o", "ack-name": "("}, "ack-name", "regular expression"),
        (FolderConfig.from_config, {"path": "o", "ack-after-read": "keep"}, "ack-after-read", "archive, delete"),
        (FolderIntakeConfig.from_config, {"path": "i", "settle-seconds": -1}, "settle-seconds", "positive"),
        (FolderIntakeConfig.from_config, {"path": "i", "settle-seconds": True}, "settle-seconds", "positive"),
        (SftpConfig.from_config, sftp(port="abc"), "port", "expected an integer, got 'abc'"),
        (SftpConfig.from_config, sftp(port=70000), "port", "1..65535"),
        (SftpConfig.from_config, sftp(port=True), "port", "integer"),
        (SftpConfig.from_config, sftp(timeout=0), "timeout", "positive"),
        (SftpConfig.from_config, sftp(rename="mv"), "rename", "posix-rename, rename"),
        (SftpConfig.from_config, sftp(**{"host-key": []}), "host-key", "list of non-empty strings"),
        (SftpIntakeConfig.from_config, sftp(**{"after-confirm": "keep"}), "after-confirm", "archive, delete"),
        (SftpConfig.from_config, sftp(password="hunter2"), "password", "password-env or password-file"),
        (SftpIntakeConfig.from_config, sftp(passphrase="x"), "passphrase", "by reference"),
    ],
)
def test_wrong_value_names_the_key(factory: Any, params: dict[str, Any], key: str, text: str) -> None:
    exc = error(factory, params)
    assert exc.path == f"{WHERE}.{key}"
    assert text in exc.message
    assert "hunter2" not in exc.one_line()


def test_sftp_needs_exactly_one_host_key_source() -> None:
    params = sftp()
    del params["host-key"]
    assert "exactly one of host-key or known-hosts-file" in error(SftpConfig.from_config, params).message
    params.update({"host-key": HOST_KEY, "known-hosts-file": "kh"})
    assert "never learnt" in error(SftpConfig.from_config, params).message


def test_sftp_needs_credentials() -> None:
    params = sftp()
    del params["key-file"]
    exc = error(SftpConfig.from_config, params)
    assert exc.path == WHERE
    assert "key-file" in exc.message


def test_sftp_secret_references_are_kept_not_resolved() -> None:
    config = SftpConfig.from_config(
        sftp(**{"password-env": "ACME_PW", "key-file": "keys/acme", "key-passphrase-env": "ACME_PP"}),
        where=WHERE,
        base=Path("/cfg"),
    )
    c = config.connection
    assert c.password is not None and c.password.env == "ACME_PW"
    assert c.key is not None and c.key.file == Path("/cfg/keys/acme")
    assert c.key_passphrase is not None and c.key_passphrase.env == "ACME_PP"
    assert c.port == 22 and c.known_hosts_name == "sftp.acme.example"
    assert "ACME_PW" in repr(c.password)


def test_building_resolves_secrets_and_reports_the_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AIGUILLAGE_TEST_UNSET", raising=False)
    exc = error(
        SftpTransport.from_config, sftp(**{"password-env": "AIGUILLAGE_TEST_UNSET", "key-file": None}), tmp_path
    )
    assert exc.path == f"{WHERE}.password-env"
    assert "AIGUILLAGE_TEST_UNSET" in exc.message
    exc = error(SftpTransport.from_config, sftp(**{"key-file": "missing-key"}), tmp_path)
    assert exc.path == f"{WHERE}.key-file"


def test_encrypted_key_needs_its_passphrase(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generate_ed25519(tmp_path / "key", passphrase=b"s3cret")
    exc = error(SftpTransport.from_config, sftp(**{"key-file": "key"}), tmp_path)
    assert exc.path == f"{WHERE}.key-file"
    monkeypatch.setenv("AIGUILLAGE_TEST_PP", "s3cret")
    built = SftpTransport.from_config(
        sftp(**{"key-file": "key", "key-passphrase-env": "AIGUILLAGE_TEST_PP"}), where=WHERE, base=tmp_path
    )
    assert "s3cret" not in repr(built.session)
    built.close()


@pytest.mark.parametrize("bad", ["ssh-ed25519", "ssh-ed25519 !!!notbase64", "ssh-foo AAAA"])
def test_malformed_pinned_key(tmp_path: Path, bad: str) -> None:
    generate_ed25519(tmp_path / "key")
    exc = error(SftpTransport.from_config, sftp(**{"key-file": "key", "host-key": bad}), tmp_path)
    assert exc.path == f"{WHERE}.host-key"


def test_known_hosts_file_must_name_the_host(tmp_path: Path) -> None:
    generate_ed25519(tmp_path / "key")
    (tmp_path / "known_hosts").write_text(f"[other.example]:2222 {HOST_KEY}\n")
    params = sftp(**{"key-file": "key", "known-hosts-file": "known_hosts", "port": 2222})
    del params["host-key"]
    exc = error(SftpTransport.from_config, params, tmp_path)
    assert exc.path == f"{WHERE}.known-hosts-file"
    assert "[sftp.acme.example]:2222" in exc.message


def test_folder_transport_from_config(tmp_path: Path) -> None:
    t = FolderTransport.from_config({"path": "."}, where=WHERE, base=tmp_path)
    assert t.config.path == tmp_path / "."
