"""One SFTP connection, shared by the SFTP transport and intake: config, pinned host keys, error mapping.

* **Host keys are pinned.** A channel gives ``host-key`` (one or more
  ``"ssh-ed25519 AAAA…"`` lines) or a ``known-hosts-file``; an unknown key is
  never added. A key that differs from the pinned one, or a server that offers
  none of the pinned types, is a permanent error naming both fingerprints.
* **Secrets by reference** (:mod:`gateway.secrets`): ``key-file``/``key-env``,
  ``key-passphrase-file``/``-env``, ``password-file``/``-env``. They are resolved
  when the channel is built, so a missing variable is a :class:`ConfigError`
  naming the partner file and key, not a failed delivery.
* **Edge mapping** (STYLE.md §10): :func:`map_sftp_errors` turns every paramiko
  and socket exception into :class:`TransientTransportError` (connection refused,
  timeout, connection lost, protocol hiccup) or :class:`PermanentTransportError`
  (authentication, host key, permission denied, missing remote path), ``from``
  the original. :data:`SFTP_ERROR_TABLE` is checked for completeness by a test.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import socket
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Final, TypeVar

import paramiko
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from paramiko.pkey import UnknownKeyType
from paramiko.sftp import SFTPError

from formats.errors import ConfigError
from gateway.errors import PermanentTransportError, TransientTransportError, TransportError
from gateway.secrets import SecretRef, secret_ref
from gateway.transports._params import Params

__all__ = [
    "CONNECTION_KEYS",
    "SFTP_ERROR_TABLE",
    "SftpConnectionConfig",
    "SftpSession",
    "fingerprint",
    "map_sftp_errors",
    "reject_inline_secrets",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

CONNECTION_KEYS: Final = (
    "host",
    "port",
    "username",
    "host-key",
    "known-hosts-file",
    "key-file",
    "key-env",
    "key-passphrase-file",
    "key-passphrase-env",
    "password-file",
    "password-env",
    "connect-timeout",
    "timeout",
)
_REQUIRED: Final = ("host", "username")
_INLINE_SECRETS: Final = ("password", "key", "key-passphrase", "passphrase", "private-key")


@dataclass(frozen=True, slots=True)
class SftpConnectionConfig:
    """Where and how to log in; secrets held as references only."""

    host: str
    """Server name or address (``host``)."""
    username: str
    """Login (``username``)."""
    port: int = 22
    """TCP port (``port``)."""
    host_keys: tuple[str, ...] = ()
    """Pinned public keys, OpenSSH one-line form (``host-key``: a string or a list)."""
    known_hosts_file: Path | None = None
    """An OpenSSH ``known_hosts`` file holding the server's keys (``known-hosts-file``)."""
    key: SecretRef | None = None
    """Private key, OpenSSH or PEM (``key-file`` or ``key-env``)."""
    key_passphrase: SecretRef | None = None
    """Passphrase of an encrypted private key (``key-passphrase-file`` or ``-env``)."""
    password: SecretRef | None = None
    """Password (``password-file`` or ``password-env``)."""
    connect_timeout: float = 15.0
    """Seconds for TCP connect, banner, key exchange and authentication (``connect-timeout``)."""
    timeout: float = 60.0
    """Seconds any one SFTP request may take (``timeout``)."""

    @property
    def known_hosts_name(self) -> str:
        """The host's name as ``known_hosts`` spells it: ``host`` on port 22, ``[host]:port`` otherwise."""
        return self.host if self.port == 22 else f"[{self.host}]:{self.port}"

    @classmethod
    def from_params(cls, p: Params) -> SftpConnectionConfig:
        """Return the connection part of a checked channel mapping.

        :raises ConfigError: no or two host-key sources, no credentials, or a wrong value.
        """
        if p.has("host-key") == p.has("known-hosts-file"):
            raise ConfigError(
                "give exactly one of host-key or known-hosts-file: host keys are pinned, never learnt", path=p.where
            )
        key = secret_ref(p.data, "key", where=p.where, base=p.base)
        password = secret_ref(p.data, "password", where=p.where, base=p.base)
        if key is None and password is None:
            raise ConfigError("give key-file (or key-env) or password-env (or password-file)", path=p.where)
        return cls(
            host=p.text("host"),
            username=p.text("username"),
            port=p.integer("port", 22, minimum=1, maximum=65535),
            host_keys=p.strings("host-key") if p.has("host-key") else (),
            known_hosts_file=p.directory("known-hosts-file") if p.has("known-hosts-file") else None,
            key=key,
            key_passphrase=secret_ref(p.data, "key-passphrase", where=p.where, base=p.base),
            password=password,
            connect_timeout=p.seconds("connect-timeout", 15.0),
            timeout=p.seconds("timeout", 60.0),
        )


def reject_inline_secrets(params: Mapping[str, object], *, where: str) -> None:
    """Refuse ``password: …`` and friends with a message saying how to give them instead.

    :raises ConfigError: a secret is written in the partner file itself.
    """
    for key in _INLINE_SECRETS:
        if key in params:
            raise ConfigError(
                f"secrets are given by reference: use {key}-env or {key}-file, never the value", path=f"{where}.{key}"
            )


def fingerprint(key: paramiko.PKey) -> str:
    """Return ``SHA256:…``, the fingerprint OpenSSH prints for ``key``."""
    digest = hashlib.sha256(key.asbytes()).digest()
    return "SHA256:" + base64.b64encode(digest).decode("ascii").rstrip("=")


def _host_key_store(config: SftpConnectionConfig, where: str) -> paramiko.HostKeys:
    store = paramiko.HostKeys()
    if config.known_hosts_file is not None:
        try:
            store.load(str(config.known_hosts_file))
        except (OSError, paramiko.SSHException) as exc:
            raise ConfigError(
                f"cannot read {config.known_hosts_file}: {exc}", path=f"{where}.known-hosts-file"
            ) from exc
        if store.lookup(config.known_hosts_name) is None:
            raise ConfigError(
                f"{config.known_hosts_file} has no key for {config.known_hosts_name}", path=f"{where}.known-hosts-file"
            )
    for index, line in enumerate(config.host_keys):
        place = f"{where}.host-key" + (f"[{index}]" if len(config.host_keys) > 1 else "")
        parts = line.split()
        if len(parts) < 2:
            raise ConfigError("expected '<type> <base64>', e.g. 'ssh-ed25519 AAAA…'", path=place)
        try:
            key = paramiko.PKey.from_type_string(parts[0], base64.b64decode(parts[1], validate=True))
        except (ValueError, UnknownKeyType, paramiko.SSHException) as exc:
            raise ConfigError(f"not a public key: {exc}", path=place) from exc
        store.add(config.known_hosts_name, key.get_name(), key)
    return store


def _private_key(config: SftpConnectionConfig) -> paramiko.PKey | None:
    if config.key is None:
        return None
    data = config.key.bytes()
    passphrase = config.key_passphrase.bytes() if config.key_passphrase is not None else None
    loaded: PrivateKeyTypes
    try:
        try:
            loaded = serialization.load_ssh_private_key(data, passphrase)
        except ValueError:
            loaded = serialization.load_pem_private_key(data, passphrase)
    except (ValueError, TypeError) as exc:
        # TypeError: an encrypted key without a passphrase, or a passphrase for a plain key.
        raise ConfigError(f"cannot load the private key: {exc}", path=config.key.where) from exc
    key_class: type[paramiko.PKey]
    if isinstance(loaded, ed25519.Ed25519PrivateKey):
        key_class = paramiko.Ed25519Key
    elif isinstance(loaded, rsa.RSAPrivateKey):
        key_class = paramiko.RSAKey
    elif isinstance(loaded, ec.EllipticCurvePrivateKey):
        key_class = paramiko.ECDSAKey
    else:
        raise ConfigError(f"unsupported private key type {type(loaded).__name__}", path=config.key.where)
    text = data.decode("ascii", errors="replace")
    password = passphrase.decode("utf-8") if passphrase is not None else None
    return key_class.from_private_key(io.StringIO(text), password=password)


class _RefuseUnknownHost(paramiko.MissingHostKeyPolicy):
    """Never learn a host key: a server whose key type is not pinned at all is refused."""

    def missing_host_key(self, client: paramiko.SSHClient, hostname: str, key: paramiko.PKey) -> None:
        raise PermanentTransportError(
            f"{hostname} offered {key.get_name()} {fingerprint(key)}, which is not pinned; "
            "check the fingerprint with the partner, then set host-key"
        )


_Mapping = tuple[type[BaseException], type[TransportError], str]

SFTP_ERROR_TABLE: Final[tuple[_Mapping, ...]] = (
    (paramiko.BadHostKeyException, PermanentTransportError, "host key mismatch"),
    (paramiko.PasswordRequiredException, PermanentTransportError, "the private key needs a passphrase"),
    (paramiko.BadAuthenticationType, PermanentTransportError, "authentication method not allowed by the server"),
    (paramiko.ssh_exception.PartialAuthentication, PermanentTransportError, "more authentication required"),
    (paramiko.ssh_exception.UnableToAuthenticate, PermanentTransportError, "authentication failed"),
    (paramiko.AuthenticationException, PermanentTransportError, "authentication failed"),
    (paramiko.ssh_exception.IncompatiblePeer, PermanentTransportError, "no algorithm in common with the server"),
    (UnknownKeyType, PermanentTransportError, "unknown key type"),
    (paramiko.ssh_exception.CouldNotCanonicalize, PermanentTransportError, "host name cannot be canonicalised"),
    (paramiko.ssh_exception.ConfigParseError, PermanentTransportError, "bad ssh config"),
    (paramiko.ChannelException, TransientTransportError, "channel refused"),
    (paramiko.ProxyCommandFailure, TransientTransportError, "proxy command failed"),
    (paramiko.ssh_exception.MessageOrderError, TransientTransportError, "protocol messages out of order"),
    (paramiko.ssh_exception.NoValidConnectionsError, TransientTransportError, "connection refused"),
    (paramiko.SSHException, TransientTransportError, "SSH error"),
    (SFTPError, TransientTransportError, "SFTP protocol error"),
    (PermissionError, PermanentTransportError, "permission denied"),
    (FileNotFoundError, PermanentTransportError, "no such remote file or directory"),
    (EOFError, TransientTransportError, "connection closed by the server"),
    (socket.gaierror, TransientTransportError, "host name not resolved"),
    (TimeoutError, TransientTransportError, "timed out"),
    (ConnectionRefusedError, TransientTransportError, "connection refused"),
    (ConnectionError, TransientTransportError, "connection lost"),
    (OSError, TransientTransportError, "I/O error"),
)
"""Exception class → our error and a short reason, most specific first."""


def _describe(exc: BaseException, reason: str) -> str:
    if isinstance(exc, paramiko.BadHostKeyException):
        return (
            f"host key mismatch for {exc.hostname}: server offered {fingerprint(exc.key)}, "
            f"pinned {fingerprint(exc.expected_key)}; if the partner rotated its key, "
            "check the new fingerprint with them and update host-key"
        )
    text = str(exc).strip()
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror + (f": {exc.filename}" if exc.filename else "")
    return f"{reason} ({text})" if text and text != reason else reason


@contextmanager
def map_sftp_errors(doing: str) -> Iterator[None]:
    """Raise our transport error, ``from`` the original, for a paramiko or socket exception in the block.

    :param doing: what the block does, e.g. ``connect to sftp.acme.example:22``; starts the message.
    :raises TransientTransportError: a later attempt may succeed.
    :raises PermanentTransportError: no retry can fix it.
    """
    try:
        yield
    except TransportError:
        raise
    except (paramiko.SSHException, SFTPError, UnknownKeyType, EOFError, OSError) as exc:
        for cls, ours, reason in SFTP_ERROR_TABLE:
            if isinstance(exc, cls):
                raise ours(f"{doing}: {_describe(exc, reason)}") from exc
        raise  # unreachable: OSError closes the table


@contextmanager
def _real_cause(client: paramiko.SSHClient) -> Iterator[None]:
    """Re-raise the transport thread's own failure instead of the caller-side symptom.

    When the handshake dies in paramiko's thread (banner timeout, reset),
    ``connect`` may report only "No existing session"; the thread kept the cause.
    When the handshake merely outlived the timeout, no banner was ever read.
    """
    try:
        yield
    except paramiko.SSHException as exc:
        transport = client.get_transport()
        if transport is None:
            raise
        cause = transport.saved_exception
        if cause is not None and cause is not exc:
            raise cause from exc
        if not transport.remote_version:
            raise TimeoutError("no SSH banner from the server within connect-timeout") from exc
        raise


class SftpSession:
    """A lazily opened SSH connection with its SFTP channel, reused until it fails."""

    def __init__(self, config: SftpConnectionConfig, *, where: str = "") -> None:
        """Resolve credentials and pinned keys now, so configuration mistakes surface at start-up.

        :raises ConfigError: a secret is missing, the key does not load, or a pinned key is malformed.
        """
        self.config = config
        self._host_keys = _host_key_store(config, where)
        self._pkey = _private_key(config)
        self._password = config.password.text() if config.password is not None else None
        self._client: paramiko.SSHClient | None = None
        self._sftp: paramiko.SFTPClient | None = None
        self.connect_seconds: float | None = None
        """Duration of the connection opened by the last :meth:`run`, or ``None`` if it reused one."""
        self.connections = 0
        """How many connections this session has opened (for tests and diagnostics)."""

    def __repr__(self) -> str:
        return f"SftpSession({self.config.username}@{self.config.host}:{self.config.port})"

    @property
    def _alive(self) -> bool:
        transport = self._client.get_transport() if self._client is not None else None
        return self._sftp is not None and transport is not None and transport.is_active()

    def _connect(self) -> paramiko.SFTPClient:
        config = self.config
        client = paramiko.SSHClient()
        client.set_missing_host_key_policy(_RefuseUnknownHost())
        for hostname, keys in self._host_keys.items():
            for key_type, key in keys.items():
                client.get_host_keys().add(hostname, key_type, key)
        started = time.perf_counter()
        try:
            with map_sftp_errors(f"connect to {config.host}:{config.port}"), _real_cause(client):
                client.connect(
                    config.host,
                    port=config.port,
                    username=config.username,
                    pkey=self._pkey,
                    password=self._password,
                    timeout=config.connect_timeout,
                    banner_timeout=config.connect_timeout,
                    auth_timeout=config.connect_timeout,
                    channel_timeout=config.connect_timeout,
                    allow_agent=False,
                    look_for_keys=False,
                )
                sftp = client.open_sftp()
                channel = sftp.get_channel()
                if channel is not None:
                    channel.settimeout(config.timeout)
        except TransportError:
            client.close()
            raise
        self.connect_seconds = time.perf_counter() - started
        self.connections += 1
        self._client, self._sftp = client, sftp
        return sftp

    def run(self, doing: str, operation: Callable[[paramiko.SFTPClient], T]) -> T:
        """Return ``operation(sftp)`` on the open connection, opening one if needed.

        When a *reused* connection fails transiently (the server restarted since
        the last call), it is dropped and the operation runs once more on a new
        one: a stale connection says nothing about the peer's health. No sleep.

        :param doing: what the operation does, for messages.
        :raises TransientTransportError: the peer is unreachable or the operation failed and may succeed later.
        :raises PermanentTransportError: authentication, host key, permissions.
        """
        for attempt in (1, 2):
            reused = self._alive
            self.connect_seconds = None
            sftp = self._sftp if reused and self._sftp is not None else self._connect()
            try:
                with map_sftp_errors(doing):
                    return operation(sftp)
            except TransientTransportError:
                self.drop()
                if not reused or attempt == 2:
                    raise
                log.info("reused SFTP connection to %s failed; reconnecting once", self.config.host)
            except PermanentTransportError:
                raise
        raise AssertionError("unreachable")

    def drop(self) -> None:
        """Close the connection; the next :meth:`run` opens a new one."""
        sftp, client = self._sftp, self._client
        self._sftp = self._client = None
        if sftp is not None:
            with suppress(Exception):  # closing a dead channel may raise anything; it is gone either way
                sftp.close()
        if client is not None:
            client.close()

    close = drop
