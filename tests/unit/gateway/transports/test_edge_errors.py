"""Edge mapping (STYLE.md §10): every library exception a channel can meet maps to transient or permanent."""

from __future__ import annotations

import base64
import builtins
import errno
import socket

import paramiko
import paramiko.ssh_exception
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from paramiko.pkey import UnknownKeyType
from paramiko.sftp import SFTPError

from gateway.errors import PermanentTransportError, TransientTransportError, TransportError
from gateway.transports._local_errors import OS_ERROR_TABLE, map_os_errors
from gateway.transports._sftp_connection import SFTP_ERROR_TABLE, map_sftp_errors


def _exception_classes(namespace: dict[str, object], module: str) -> set[type[BaseException]]:
    return {
        value
        for value in namespace.values()
        if isinstance(value, type) and issubclass(value, BaseException) and value.__module__ == module
    }


def test_every_paramiko_exception_is_mapped_explicitly() -> None:
    mapped = {cls for cls, _, _ in SFTP_ERROR_TABLE}
    expected = _exception_classes(vars(paramiko.ssh_exception), "paramiko.ssh_exception") | {SFTPError, UnknownKeyType}
    assert expected - mapped == set(), "add these paramiko exceptions to SFTP_ERROR_TABLE"


def test_every_builtin_os_error_is_mapped_explicitly() -> None:
    builtin_os_errors = {v for v in vars(builtins).values() if isinstance(v, type) and issubclass(v, OSError)}
    covered = {cls for cls, _ in OS_ERROR_TABLE}
    # Subclasses of a mapped class are covered by it (BrokenPipeError by ConnectionError); OSError is the fallback.
    unmapped = {c for c in builtin_os_errors if c is not OSError and not any(issubclass(c, m) for m in covered)}
    assert unmapped == set()
    assert {c for c, _, _ in SFTP_ERROR_TABLE} >= {OSError, EOFError, TimeoutError, socket.gaierror}


def test_sftp_table_is_most_specific_first() -> None:
    classes = [cls for cls, _, _ in SFTP_ERROR_TABLE]
    for i, cls in enumerate(classes):
        for later in classes[i + 1 :]:
            assert not issubclass(later, cls) or later is cls, f"{later.__name__} is shadowed by {cls.__name__}"


def _public_key() -> paramiko.PKey:
    line = ed25519.Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.OpenSSH, PublicFormat.OpenSSH)
    kind, blob = line.split()
    return paramiko.PKey.from_type_string(kind.decode(), base64.b64decode(blob))


def _bad_host_key() -> paramiko.BadHostKeyException:
    return paramiko.BadHostKeyException("[127.0.0.1]:2222", _public_key(), _public_key())


CASES: list[tuple[BaseException, type[TransportError], str]] = [
    (ConnectionRefusedError(errno.ECONNREFUSED, "Connection refused"), TransientTransportError, "refused"),
    (paramiko.ssh_exception.NoValidConnectionsError({("127.0.0.1", 1): OSError("x")}), TransientTransportError, ""),
    (TimeoutError("timed out"), TransientTransportError, "timed out"),
    (socket.gaierror(-2, "Name or service not known"), TransientTransportError, "not resolved"),
    (EOFError(), TransientTransportError, "closed"),
    (paramiko.SSHException("Error reading SSH protocol banner"), TransientTransportError, "banner"),
    (paramiko.AuthenticationException("Authentication failed."), PermanentTransportError, "authentication"),
    (paramiko.BadAuthenticationType("Bad authentication type", ["publickey"]), PermanentTransportError, "method"),
    (_bad_host_key(), PermanentTransportError, "host key mismatch"),
    (OSError(errno.EACCES, "Permission denied"), PermanentTransportError, "Permission denied"),
    (OSError(errno.ENOENT, "No such file"), PermanentTransportError, "No such file"),
    (OSError("Failure"), TransientTransportError, "Failure"),
]


@pytest.mark.parametrize(("exc", "ours", "text"), CASES, ids=[type(c[0]).__name__ for c in CASES])
def test_map_sftp_errors(exc: BaseException, ours: type[TransportError], text: str) -> None:
    with pytest.raises(TransportError) as caught, map_sftp_errors("upload x"):
        raise exc
    assert type(caught.value) is ours
    assert caught.value.__cause__ is exc
    assert caught.value.message.startswith("upload x: ")
    assert text in caught.value.message


def test_bad_host_key_message_names_both_fingerprints() -> None:
    exc = _bad_host_key()
    with pytest.raises(PermanentTransportError) as caught, map_sftp_errors("connect"):
        raise exc
    assert caught.value.message.count("SHA256:") == 2
    assert "update host-key" in caught.value.message


def test_our_errors_pass_through_and_others_propagate() -> None:
    with pytest.raises(PermanentTransportError, match=r"^mine$"), map_sftp_errors("x"):
        raise PermanentTransportError("mine")
    with pytest.raises(ValueError, match="bug"), map_sftp_errors("x"):
        raise ValueError("bug")


@pytest.mark.parametrize(
    ("exc", "ours"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), PermanentTransportError),
        (IsADirectoryError(errno.EISDIR, "Is a directory"), PermanentTransportError),
        (OSError(errno.ENAMETOOLONG, "File name too long"), PermanentTransportError),
        (FileNotFoundError(errno.ENOENT, "No such file"), TransientTransportError),
        (OSError(errno.ENOSPC, "No space left on device"), TransientTransportError),
        (BrokenPipeError(errno.EPIPE, "Broken pipe"), TransientTransportError),
    ],
)
def test_map_os_errors(exc: OSError, ours: type[TransportError]) -> None:
    with pytest.raises(TransportError) as caught, map_os_errors("write /x"):
        raise exc
    assert type(caught.value) is ours
    assert caught.value.__cause__ is exc
    assert caught.value.message == f"write /x: {exc.strerror}"
