"""The ``folder`` channel: deliver to, and collect from, a local (or mounted) directory.

:class:`FolderTransport` writes ``<name>.part``, fsyncs it, renames it to
``<name>`` with :func:`os.replace` and fsyncs the directory, so a reader never
sees a partial file and a crash never leaves a renamed but empty one. Names and
acknowledgement files follow :mod:`gateway.transports._naming`.

:class:`FolderIntake` watches a directory. A file is taken once it is *stable*:
its size and modification time did not change between two polls, or it was last
modified ``settle-seconds`` ago. It is yielded on every poll until
:meth:`FolderIntake.confirm` moves it to the archive (or deletes it), which the
engine calls only after its store has committed the file.
"""

from __future__ import annotations

import contextlib
import fnmatch
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any, ClassVar, Final, Self

from gateway.errors import PermanentTransportError, TransportError
from gateway.transports._ack_files import ack_from_file
from gateway.transports._local_errors import map_os_errors
from gateway.transports._naming import (
    DEFAULT_ACK_NAME,
    DEFAULT_FILE_NAME,
    TEMP_SUFFIX,
    AckNamer,
    FileNamer,
    is_temporary,
)
from gateway.transports._params import Params
from gateway.transports.base import Ack, Envelope, InboundFile, Phase, SendResult

__all__ = ["FolderConfig", "FolderIntake", "FolderIntakeConfig", "FolderTransport"]

log = logging.getLogger(__name__)

_AFTER: Final = ("archive", "delete")


@dataclass(frozen=True, slots=True)
class FolderConfig:
    """Parameters of an outbound ``folder`` channel."""

    path: Path
    """Directory that receives the documents (``path``); it must exist."""
    file_name: FileNamer = field(default_factory=FileNamer)
    """File name template (``file-name``), ``{message_id}_{filename}`` by default."""
    ack_dir: Path | None = None
    """Directory where the peer leaves acknowledgement files (``ack-dir``); none by default."""
    ack_pattern: str = "*"
    """Glob that acknowledgement file names match (``ack-pattern``)."""
    ack_name: AckNamer = field(default_factory=lambda: AckNamer.parse(DEFAULT_ACK_NAME, where="ack-name"))
    """Regular expression capturing the message id from an ack file name (``ack-name``)."""
    ack_after_read: str = "archive"
    """``archive`` (into ``ack-archive-dir``) or ``delete`` a processed ack file (``ack-after-read``)."""
    ack_archive_dir: Path | None = None
    """Where processed ack files go (``ack-archive-dir``), ``<ack-dir>/archive`` by default."""

    KEYS: ClassVar[tuple[str, ...]] = (
        "path",
        "file-name",
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
        :param base: directory that relative paths resolve against.
        :raises ConfigError: unknown or missing keys, or a wrong value (the message names the key).
        """
        p = Params.check(params, where=where, base=base, required=("path",), optional=cls.KEYS[1:])
        ack_dir = p.directory("ack-dir") if p.has("ack-dir") else None
        return cls(
            path=p.directory("path"),
            file_name=FileNamer.parse(p.text("file-name", DEFAULT_FILE_NAME), where=p.path_of("file-name")),
            ack_dir=ack_dir,
            ack_pattern=p.text("ack-pattern", "*"),
            ack_name=AckNamer.parse(p.text("ack-name", DEFAULT_ACK_NAME), where=p.path_of("ack-name")),
            ack_after_read=p.choice("ack-after-read", "archive", _AFTER),
            ack_archive_dir=p.directory("ack-archive-dir") if p.has("ack-archive-dir") else None,
        )


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _free_name(directory: Path, name: str) -> Path:
    # An archive keeps every version: a partner re-sending the same name must not erase the first.
    target = directory / name
    return target if not target.exists() else directory / f"{name}.{time.time_ns()}"


def _dispose(path: Path, *, after: str, archive_dir: Path) -> None:
    if after == "delete":
        path.unlink(missing_ok=True)
        return
    archive_dir.mkdir(parents=True, exist_ok=True)
    path.replace(_free_name(archive_dir, path.name))


class FolderTransport:
    """Deliver documents into a directory (STYLE.md §7)."""

    name: ClassVar[str] = "folder"
    config_class: ClassVar[type[FolderConfig]] = FolderConfig
    """Checks the channel keys without resolving secrets (``gateway partners check``)."""

    def __init__(self, config: FolderConfig) -> None:
        self.config = config

    @classmethod
    def from_config(cls, params: Mapping[str, Any], *, where: str, base: Path) -> Self:
        """Return a transport built from a partner file's channel mapping (see :meth:`FolderConfig.from_config`)."""
        return cls(FolderConfig.from_config(params, where=where, base=base))

    def send(self, envelope: Envelope) -> SendResult:
        """Write ``envelope.content`` under its final name, atomically; never raise for an I/O failure."""
        name = self.config.file_name.render(envelope)
        final = self.config.path / name
        temp = self.config.path / (name + TEMP_SUFFIX)
        phases: list[Phase] = []
        started = time.perf_counter()
        try:
            with map_os_errors(f"write {temp}"):
                self._write_synced(temp, envelope.content)
            phases.append(Phase("write", time.perf_counter() - started))
            started = time.perf_counter()
            with map_os_errors(f"rename {temp.name} to {name}"):
                temp.replace(final)
                _fsync_dir(self.config.path)
            phases.append(Phase("rename", time.perf_counter() - started))
        except TransportError as exc:
            with contextlib.suppress(OSError):
                temp.unlink(missing_ok=True)
            return _failure(exc, phases, time.perf_counter() - started)
        return SendResult.delivered(
            f"written {len(envelope.content)} bytes",
            remote_ref=str(final),
            phases=tuple(phases),
            awaits_ack=self.config.ack_dir is not None,
        )

    @staticmethod
    def _write_synced(path: Path, content: bytes) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            view = memoryview(content)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)

    def poll_acks(self) -> Iterator[Ack]:
        """Yield the acknowledgements waiting in ``ack-dir``.

        Each file is archived (or deleted) only when the consumer asks for the
        next item or the iteration ends, so a consumer that stores each
        :class:`Ack` before moving on never loses one; if it stops half-way, the
        file is read again on the next poll. A file whose name does not give a
        message id is left in place and logged.

        :raises TransientTransportError: the directory cannot be read now.
        :raises PermanentTransportError: the directory cannot be read at all (permissions).
        """
        ack_dir = self.config.ack_dir
        if ack_dir is None:
            return
        archive_dir = self.config.ack_archive_dir or ack_dir / "archive"
        with map_os_errors(f"list {ack_dir}"):
            entries = sorted(os.scandir(ack_dir), key=lambda e: e.name)
        for entry in entries:
            if is_temporary(entry.name) or not fnmatch.fnmatchcase(entry.name, self.config.ack_pattern):
                continue
            path = Path(entry.path)
            with map_os_errors(f"read {path}"):
                if not entry.is_file():
                    continue
                content = path.read_bytes()
                mtime = entry.stat().st_mtime
            message_id = self.config.ack_name.message_id(entry.name)
            if message_id is None:
                log.warning("acknowledgement file %s names no message id; left in place", path)
                continue
            yield ack_from_file(channel=self.name, name=entry.name, content=content, message_id=message_id, mtime=mtime)
            with map_os_errors(f"archive {path}"):
                _dispose(path, after=self.config.ack_after_read, archive_dir=archive_dir)

    def close(self) -> None:
        """Nothing to release: every send opens and closes its own file."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def _failure(exc: TransportError, phases: list[Phase], elapsed: float) -> SendResult:
    failed = (*phases, Phase("failed", elapsed, exc.message))
    if isinstance(exc, PermanentTransportError):
        return SendResult.permanent(exc.message, phases=failed)
    return SendResult.transient(exc.message, phases=failed)


@dataclass(frozen=True, slots=True)
class FolderIntakeConfig:
    """Parameters of an inbound ``folder`` channel."""

    path: Path
    """Directory to watch (``path``)."""
    pattern: str = "*"
    """Glob that file names must match (``pattern``); temporary and hidden names never match."""
    settle_seconds: float = 30.0
    """A file untouched for this long is taken without waiting for a second poll (``settle-seconds``)."""
    after_confirm: str = "archive"
    """``archive`` or ``delete`` a confirmed file (``after-confirm``)."""
    archive_dir: Path | None = None
    """Where confirmed files go (``archive-dir``), ``<path>/archive`` by default."""

    KEYS: ClassVar[tuple[str, ...]] = ("path", "pattern", "settle-seconds", "after-confirm", "archive-dir")

    @classmethod
    def from_config(cls, params: Mapping[str, Any], *, where: str, base: Path) -> Self:
        """Return the configuration held in a partner file's channel mapping.

        :raises ConfigError: unknown or missing keys, or a wrong value (the message names the key).
        """
        p = Params.check(params, where=where, base=base, required=("path",), optional=cls.KEYS[1:])
        return cls(
            path=p.directory("path"),
            pattern=p.text("pattern", "*"),
            settle_seconds=p.seconds("settle-seconds", 30.0),
            after_confirm=p.choice("after-confirm", "archive", _AFTER),
            archive_dir=p.directory("archive-dir") if p.has("archive-dir") else None,
        )


_Snapshot = tuple[int, int]
"""(size, mtime in ns) of a file at one poll."""


class FolderIntake:
    """Collect complete files from a watched directory (STYLE.md §7)."""

    name: ClassVar[str] = "folder"

    def __init__(
        self, config: FolderIntakeConfig, *, partner_id: str | None = None, clock: Callable[[], float] = time.time
    ) -> None:
        """:param partner_id: stamped on every :class:`InboundFile`, when the channel belongs to a partner.
        :param clock: seconds since the epoch, compared with file modification times.
        """
        self.config = config
        self.partner_id = partner_id
        self._clock = clock
        self._last_seen: dict[str, _Snapshot] = {}
        self._yielded: dict[str, _Snapshot] = {}

    @classmethod
    def from_config(cls, params: Mapping[str, Any], *, where: str, base: Path, partner_id: str | None = None) -> Self:
        """Return an intake built from a partner file's channel mapping."""
        return cls(FolderIntakeConfig.from_config(params, where=where, base=base), partner_id=partner_id)

    def poll(self) -> Iterable[InboundFile]:
        """Return the stable files not yet confirmed, oldest name first.

        :raises TransientTransportError: the directory cannot be read now.
        :raises PermanentTransportError: it cannot be read at all (permissions, not a directory).
        """
        directory = self.config.path
        with map_os_errors(f"list {directory}"):
            entries = sorted(os.scandir(directory), key=lambda e: e.name)
        now = self._clock()
        seen: dict[str, _Snapshot] = {}
        found: list[InboundFile] = []
        for entry in entries:
            if is_temporary(entry.name) or not fnmatch.fnmatchcase(entry.name, self.config.pattern):
                continue
            with map_os_errors(f"stat {entry.path}"):
                if not entry.is_file(follow_symlinks=False):
                    continue
                st = entry.stat(follow_symlinks=False)
            snapshot = (st.st_size, st.st_mtime_ns)
            seen[entry.name] = snapshot
            settled = now - st.st_mtime >= self.config.settle_seconds
            if not settled and self._last_seen.get(entry.name) != snapshot:
                continue
            with map_os_errors(f"read {entry.path}"):
                content = Path(entry.path).read_bytes()
            if len(content) != st.st_size:
                continue  # written to between stat and read: not stable after all
            self._yielded[entry.name] = snapshot
            found.append(InboundFile(entry.name, content, entry.path, self.name, self.partner_id))
        self._last_seen = seen
        return found

    def confirm(self, item: InboundFile) -> None:
        """Archive or delete ``item`` now that the store has committed it.

        A file changed since it was read is left in place (logged): it is a new
        version, which the next polls will deliver.

        :raises TransientTransportError: the move failed and may succeed later.
        :raises PermanentTransportError: the move is not permitted.
        """
        path = self.config.path / item.name
        expected = self._yielded.pop(item.name, None)
        with map_os_errors(f"stat {path}"):
            try:
                st = path.stat()
            except FileNotFoundError:
                log.warning("confirmed file %s is gone already", path)
                return
        current = (st.st_size, st.st_mtime_ns)
        if current != expected and not (expected is None and st.st_size == len(item.content)):
            log.warning("file %s changed after it was read; left for the next poll", path)
            return
        with map_os_errors(f"archive {path}"):
            _dispose(
                path, after=self.config.after_confirm, archive_dir=self.config.archive_dir or path.parent / "archive"
            )
        self._last_seen.pop(item.name, None)

    def close(self) -> None:
        """Forget what the polls saw."""
        self._last_seen.clear()
        self._yielded.clear()
