"""The inbound ``sftp`` channel: collect complete files from a partner's SFTP directory.

A remote file is taken once it is *stable*: its size and modification time are
the same on two consecutive polls (OpenAS2's rule; remote clocks are not trusted
for an age check). It is downloaded, its size checked against the listing, and
yielded on every poll until :meth:`SftpIntake.confirm` moves it to the archive
directory (or removes it), which the engine calls only after its store has
committed the file. Nothing is lost if the engine stops between the two.
"""

from __future__ import annotations

import logging
import posixpath
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Final, Self

import paramiko

from gateway.transports._params import Params
from gateway.transports._sftp_connection import (
    CONNECTION_KEYS,
    SftpConnectionConfig,
    SftpSession,
    reject_inline_secrets,
)
from gateway.transports.base import InboundFile
from gateway.transports.sftp import archive_remote, list_files, read_remote

__all__ = ["SftpIntake", "SftpIntakeConfig"]

log = logging.getLogger(__name__)

_AFTER: Final = ("archive", "delete")


@dataclass(frozen=True, slots=True)
class SftpIntakeConfig:
    """Parameters of an inbound ``sftp`` channel."""

    connection: SftpConnectionConfig
    """Host, port, login, pinned host keys, credentials, timeouts."""
    remote_dir: str
    """Remote directory to collect from (``remote-dir``)."""
    pattern: str = "*"
    """Glob that file names must match (``pattern``); temporary and hidden names never match."""
    after_confirm: str = "archive"
    """``archive`` or ``delete`` a confirmed file (``after-confirm``)."""
    archive_dir: str | None = None
    """Remote directory for confirmed files (``archive-dir``), ``<remote-dir>/archive`` by default."""

    KEYS: ClassVar[tuple[str, ...]] = ("remote-dir", "pattern", "after-confirm", "archive-dir")

    @classmethod
    def from_config(cls, params: Mapping[str, Any], *, where: str, base: Path) -> Self:
        """Return the configuration held in a partner file's channel mapping.

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
            pattern=p.text("pattern", "*"),
            after_confirm=p.choice("after-confirm", "archive", _AFTER),
            archive_dir=p.optional_text("archive-dir"),
        )


_Snapshot = tuple[int, int]
"""(size, mtime) of a remote file at one poll."""


class SftpIntake:
    """Collect complete files from an SFTP directory (STYLE.md §7)."""

    name: ClassVar[str] = "sftp"

    def __init__(self, config: SftpIntakeConfig, *, partner_id: str | None = None, where: str = "") -> None:
        """:param partner_id: stamped on every :class:`InboundFile`, when the channel belongs to a partner.
        :raises ConfigError: a secret is missing, the key does not load, or a pinned key is malformed.
        """
        self.config = config
        self.partner_id = partner_id
        self.session = SftpSession(config.connection, where=where)
        self._last_seen: dict[str, _Snapshot] = {}
        self._yielded: dict[str, _Snapshot] = {}

    @classmethod
    def from_config(cls, params: Mapping[str, Any], *, where: str, base: Path, partner_id: str | None = None) -> Self:
        """Return an intake built from a partner file's channel mapping."""
        config = SftpIntakeConfig.from_config(params, where=where, base=base)
        return cls(config, partner_id=partner_id, where=where)

    def _source(self, name: str) -> str:
        c = self.config.connection
        return f"sftp://{c.username}@{c.host}:{c.port}/{posixpath.join(self.config.remote_dir, name)}"

    def poll(self) -> Iterable[InboundFile]:
        """Return the stable files not yet confirmed, by name.

        :raises TransientTransportError: the server is unreachable now.
        :raises PermanentTransportError: authentication, host key, permissions, no such directory.
        """
        return self.session.run(f"poll {self.config.remote_dir}", self._poll)

    def _poll(self, sftp: paramiko.SFTPClient) -> list[InboundFile]:
        directory = self.config.remote_dir
        seen: dict[str, _Snapshot] = {}
        found: list[InboundFile] = []
        for item in list_files(sftp, directory, self.config.pattern):
            snapshot = (item.size, item.mtime)
            seen[item.name] = snapshot
            if self._last_seen.get(item.name) != snapshot:
                continue  # new or still growing: look again next poll
            content = read_remote(sftp, posixpath.join(directory, item.name), item.size)
            self._yielded[item.name] = snapshot
            found.append(InboundFile(item.name, content, self._source(item.name), self.name, self.partner_id))
        self._last_seen = seen
        return found

    def confirm(self, item: InboundFile) -> None:
        """Archive or remove ``item`` on the server now that the store has committed it.

        A file changed since it was read is left in place (logged): it is a new
        version, which the next polls will deliver.

        :raises TransientTransportError: the server is unreachable now; the file stays and is yielded again.
        :raises PermanentTransportError: the move is not permitted.
        """
        self.session.run(f"confirm {item.name}", lambda sftp: self._confirm(sftp, item))

    def _confirm(self, sftp: paramiko.SFTPClient, item: InboundFile) -> None:
        directory = self.config.remote_dir
        path = posixpath.join(directory, item.name)
        try:
            attr = sftp.stat(path)
        except FileNotFoundError:
            log.warning("confirmed file %s is gone already", path)
            return
        current = (attr.st_size or 0, attr.st_mtime or 0)
        expected = self._yielded.get(item.name)
        if current != expected and not (expected is None and current[0] == len(item.content)):
            log.warning("file %s changed after it was read; left for the next poll", path)
            return
        archive_dir = self.config.archive_dir or posixpath.join(directory, "archive")
        archive_remote(sftp, path, after=self.config.after_confirm, archive_dir=archive_dir)
        self._yielded.pop(item.name, None)
        self._last_seen.pop(item.name, None)

    def close(self) -> None:
        """Close the connection and forget what the polls saw."""
        self.session.close()
        self._last_seen.clear()
        self._yielded.clear()
