"""The ``sftp`` channel: deliver to a partner's SFTP server, collect its acknowledgement files.

One connection is opened on the first send and reused (STYLE.md §7); it is
reopened when it fails. Each document is uploaded as ``<name>.part`` without
paramiko's post-upload stat (``confirm=False``), its size is checked with one
explicit ``stat``, and it is renamed with ``posix-rename@openssh.com``, which
replaces an earlier attempt's file atomically (a plain SFTP rename refuses an
existing target on OpenSSH). A peer polling the directory therefore sees a
document only whole and only under its final name.

Connection, host-key pinning, credentials and error mapping live in
:mod:`gateway.transports._sftp_connection`; names and acknowledgement files
follow :mod:`gateway.transports._naming` and :mod:`gateway.transports._ack_files`.
"""

from __future__ import annotations

import fnmatch
import io
import logging
import posixpath
import stat
import time
from collections.abc import Iterator, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Final, Self

import paramiko

from gateway.errors import PermanentTransportError, TransientTransportError, TransportError
from gateway.transports._ack_files import ack_from_file
from gateway.transports._naming import (
    DEFAULT_ACK_NAME,
    DEFAULT_FILE_NAME,
    TEMP_SUFFIX,
    AckNamer,
    FileNamer,
    is_temporary,
)
from gateway.transports._params import Params
from gateway.transports._sftp_connection import (
    CONNECTION_KEYS,
    SftpConnectionConfig,
    SftpSession,
    reject_inline_secrets,
)
from gateway.transports.base import Ack, Envelope, Phase, SendResult

__all__ = ["SftpConfig", "SftpTransport", "archive_remote", "list_files", "read_remote"]

log = logging.getLogger(__name__)

_RENAMES: Final = ("posix-rename", "rename")
_AFTER: Final = ("archive", "delete")


@dataclass(frozen=True, slots=True)
class SftpConfig:
    """Parameters of an outbound ``sftp`` channel."""

    connection: SftpConnectionConfig
    """Host, port, login, pinned host keys, credentials, timeouts."""
    remote_dir: str
    """Directory on the server that receives the documents (``remote-dir``), relative to the login directory."""
    file_name: FileNamer = field(default_factory=FileNamer)
    """File name template (``file-name``), ``{message_id}_{filename}`` by default."""
    rename: str = "posix-rename"
    """``posix-rename`` (atomic replace, OpenSSH extension) or ``rename`` for servers without it (``rename``)."""
    ack_dir: str | None = None
    """Remote directory where the partner leaves acknowledgement files (``ack-dir``)."""
    ack_pattern: str = "*"
    """Glob that acknowledgement file names match (``ack-pattern``)."""
    ack_name: AckNamer = field(default_factory=lambda: AckNamer.parse(DEFAULT_ACK_NAME, where="ack-name"))
    """Regular expression capturing the message id from an ack file name (``ack-name``)."""
    ack_after_read: str = "archive"
    """``archive`` or ``delete`` a processed ack file (``ack-after-read``)."""
    ack_archive_dir: str | None = None
    """Remote directory for processed ack files (``ack-archive-dir``), ``<ack-dir>/archive`` by default."""

    KEYS: ClassVar[tuple[str, ...]] = (
        "remote-dir",
        "file-name",
        "rename",
        "ack-dir",
        "ack-pattern",
        "ack-name",
        "ack-after-read",
        "ack-archive-dir",
    )

    @classmethod
    def from_config(cls, params: Mapping[str, Any], *, where: str, base: Path) -> Self:
        """Return the configuration held in a partner file's channel mapping.

        :param params: the channel mapping without ``type`` and ``name``.
        :param where: file and key path of the mapping, for messages.
        :param base: directory that relative local paths (key and known-hosts files) resolve against.
        :raises ConfigError: unknown or missing keys, an inline secret, or a wrong value (the message names the key).
        """
        if isinstance(params, Mapping):
            reject_inline_secrets(params, where=where)
        p = Params.check(
            params,
            where=where,
            base=base,
            required=("host", "username", "remote-dir"),
            optional=(*CONNECTION_KEYS, *cls.KEYS),
        )
        return cls(
            connection=SftpConnectionConfig.from_params(p),
            remote_dir=p.text("remote-dir"),
            file_name=FileNamer.parse(p.text("file-name", DEFAULT_FILE_NAME), where=p.path_of("file-name")),
            rename=p.choice("rename", "posix-rename", _RENAMES),
            ack_dir=p.optional_text("ack-dir"),
            ack_pattern=p.text("ack-pattern", "*"),
            ack_name=AckNamer.parse(p.text("ack-name", DEFAULT_ACK_NAME), where=p.path_of("ack-name")),
            ack_after_read=p.choice("ack-after-read", "archive", _AFTER),
            ack_archive_dir=p.optional_text("ack-archive-dir"),
        )


def read_remote(sftp: paramiko.SFTPClient, path: str, size: int) -> bytes:
    """Return the content of remote file ``path``, checked against its listed ``size``.

    :raises TransientTransportError: fewer or more bytes arrived than listed (the file changed, or the link broke).
    """
    buffer = io.BytesIO()
    sftp.getfo(path, buffer)
    content = buffer.getvalue()
    if len(content) != size:
        raise TransientTransportError(f"read {path}: got {len(content)} bytes, listed {size}")
    return content


def archive_remote(sftp: paramiko.SFTPClient, path: str, *, after: str, archive_dir: str) -> None:
    """Move remote file ``path`` into ``archive_dir`` (created if missing) under a free name, or remove it."""
    if after == "delete":
        sftp.remove(path)
        return
    name = posixpath.basename(path)
    try:
        existing = set(sftp.listdir(archive_dir))
    except FileNotFoundError:
        sftp.mkdir(archive_dir)
        existing = set()
    # The archive keeps every version: a partner re-sending the same name must not erase the first.
    target_name = name if name not in existing else f"{name}.{time.time_ns()}"
    sftp.posix_rename(path, posixpath.join(archive_dir, target_name))


@dataclass(frozen=True, slots=True)
class _Listed:
    name: str
    size: int
    mtime: int


def list_files(sftp: paramiko.SFTPClient, directory: str, pattern: str) -> list[_Listed]:
    """Return the regular, non-temporary files of ``directory`` whose names match ``pattern``, by name."""
    found = []
    for attr in sftp.listdir_attr(directory):
        name = attr.filename
        if is_temporary(name) or not fnmatch.fnmatchcase(name, pattern):
            continue
        if attr.st_mode is None or not stat.S_ISREG(attr.st_mode):
            continue
        found.append(_Listed(name, attr.st_size or 0, attr.st_mtime or 0))
    return sorted(found, key=lambda f: f.name)


class SftpTransport:
    """Deliver documents to an SFTP server (STYLE.md §7)."""

    name: ClassVar[str] = "sftp"
    config_class: ClassVar[type[SftpConfig]] = SftpConfig
    """Checks the channel keys without resolving secrets (``gateway partners check``)."""

    def __init__(self, config: SftpConfig, *, where: str = "") -> None:
        """:raises ConfigError: a secret is missing, the key does not load, or a pinned key is malformed."""
        self.config = config
        self.session = SftpSession(config.connection, where=where)

    @classmethod
    def from_config(cls, params: Mapping[str, Any], *, where: str, base: Path) -> Self:
        """Return a transport built from a partner file's channel mapping (see :meth:`SftpConfig.from_config`)."""
        return cls(SftpConfig.from_config(params, where=where, base=base), where=where)

    def send(self, envelope: Envelope) -> SendResult:
        """Upload ``envelope.content`` under its final name, atomically; never raise for a peer failure."""
        name = self.config.file_name.render(envelope)
        final = posixpath.join(self.config.remote_dir, name)
        phases: list[Phase] = []
        started = time.perf_counter()
        try:
            self.session.run(f"upload {final}", lambda sftp: self._upload(sftp, final, envelope.content, phases))
        except TransportError as exc:
            failed = (*phases, Phase("failed", time.perf_counter() - started, exc.message))
            if isinstance(exc, PermanentTransportError):
                return SendResult.permanent(exc.message, phases=failed)
            return SendResult.transient(exc.message, phases=failed)
        if self.session.connect_seconds is not None:
            phases.insert(0, Phase("connect", self.session.connect_seconds))
        return SendResult.delivered(
            f"uploaded {len(envelope.content)} bytes",
            remote_ref=final,
            phases=tuple(phases),
            awaits_ack=self.config.ack_dir is not None,
        )

    def _upload(self, sftp: paramiko.SFTPClient, final: str, content: bytes, phases: list[Phase]) -> None:
        phases.clear()  # a retried attempt on a fresh connection reports its own phases
        temp = final + TEMP_SUFFIX
        started = time.perf_counter()
        sftp.putfo(io.BytesIO(content), temp, file_size=len(content), confirm=False)
        phases.append(Phase("upload", time.perf_counter() - started))
        started = time.perf_counter()
        size = sftp.stat(temp).st_size
        if size != len(content):
            with suppress(OSError):
                sftp.remove(temp)
            raise TransientTransportError(f"upload {final}: server holds {size} bytes, sent {len(content)}")
        phases.append(Phase("verify", time.perf_counter() - started))
        started = time.perf_counter()
        if self.config.rename == "posix-rename":
            sftp.posix_rename(temp, final)
        else:
            # Without the extension, replacing is two steps; a peer may briefly see no file, never a partial one.
            with suppress(FileNotFoundError):
                sftp.remove(final)
            sftp.rename(temp, final)
        phases.append(Phase("rename", time.perf_counter() - started))

    def poll_acks(self) -> Iterator[Ack]:
        """Yield the acknowledgements waiting in the remote ``ack-dir``.

        Each file is archived (or removed) only when the consumer asks for the
        next item or the iteration ends, so a consumer that stores each
        :class:`Ack` before moving on never loses one; if it stops half-way, the
        file is read again on the next poll. A file whose name gives no message
        id is left in place and logged.

        :raises TransientTransportError: the server is unreachable now.
        :raises PermanentTransportError: authentication, host key, permissions, no such directory.
        """
        ack_dir = self.config.ack_dir
        if ack_dir is None:
            return
        archive_dir = self.config.ack_archive_dir or posixpath.join(ack_dir, "archive")
        listed = self.session.run(f"list {ack_dir}", lambda sftp: list_files(sftp, ack_dir, self.config.ack_pattern))
        for item in listed:
            message_id = self.config.ack_name.message_id(item.name)
            if message_id is None:
                log.warning("acknowledgement file %s/%s names no message id; left in place", ack_dir, item.name)
                continue
            path = posixpath.join(ack_dir, item.name)
            content = self.session.run(f"read {path}", partial(read_remote, path=path, size=item.size))
            yield ack_from_file(
                channel=self.name, name=item.name, content=content, message_id=message_id, mtime=item.mtime
            )
            self.session.run(
                f"archive {path}",
                partial(archive_remote, path=path, after=self.config.ack_after_read, archive_dir=archive_dir),
            )

    def close(self) -> None:
        """Close the connection."""
        self.session.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
