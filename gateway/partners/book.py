"""The set of loaded partners, indexed by identifier, reloaded when files change.

Reloading takes no restart: :meth:`PartnerDirectory.current` compares the
files' sizes and modification times with what it loaded (one ``stat`` per file,
at most once per ``interval``) and reloads when they differ. A file that turns
invalid keeps its last good profile, and the problem is reported, so that a
typo made while the gateway runs never makes a partner "unknown".
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from gateway.partners.loading import FileReport, load_partner_file, partner_files
from gateway.partners.profile import Partner

__all__ = ["PartnerBook", "PartnerDirectory"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PartnerBook:
    """An immutable set of partners and the identifier index over them."""

    partners: Mapping[str, Partner]
    index: Mapping[tuple[str, str], str] = field(default_factory=dict)
    """(kind, value) → partner id; see :meth:`Identifiers.index_keys`."""
    problems: tuple[str, ...] = ()

    @classmethod
    def of(cls, partners: Mapping[str, Partner], problems: tuple[str, ...] = ()) -> PartnerBook:
        """Build the book and its index; a key claimed by two partners is reported and left out."""
        index: dict[tuple[str, str], str] = {}
        clashes: list[str] = []
        for partner in partners.values():
            for key in partner.identifiers.index_keys():
                other = index.get(key)
                if other is not None and other != partner.id:
                    clashes.append(f"identifier {key[0]} {key[1]} is claimed by both {other} and {partner.id}")
                index[key] = partner.id
        return cls(MappingProxyType(dict(partners)), MappingProxyType(index), problems + tuple(clashes))

    def get(self, partner_id: str) -> Partner | None:
        return self.partners.get(partner_id)

    def __iter__(self) -> Iterator[Partner]:
        return iter(self.partners.values())

    def __len__(self) -> int:
        return len(self.partners)


class PartnerDirectory:
    """Partners from a directory, reloaded when its files change."""

    def __init__(
        self,
        directory: Path,
        *,
        interval: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        check_channels: bool = True,
    ) -> None:
        self.directory = directory
        self._interval = interval
        self._clock = clock
        self._check_channels = check_channels
        self._lock = threading.Lock()
        self._fingerprint: tuple[tuple[str, int, int], ...] = ()
        self._reports: dict[Path, FileReport] = {}
        self._good: dict[Path, Partner] = {}
        self._book = PartnerBook.of({})
        self._checked_at = float("-inf")
        self.reload()

    def current(self) -> PartnerBook:
        """Return the partner book, reloading first if files changed since the last look."""
        now = self._clock()
        if now - self._checked_at >= self._interval:
            with self._lock:
                self._checked_at = now
                if self._scan() != self._fingerprint:
                    self._reload_locked()
        return self._book

    def reload(self) -> PartnerBook:
        """Reload every file now."""
        with self._lock:
            self._checked_at = self._clock()
            self._reload_locked()
        return self._book

    @property
    def reports(self) -> Mapping[Path, FileReport]:
        """The last load result of every file."""
        return MappingProxyType(self._reports)

    def _scan(self) -> tuple[tuple[str, int, int], ...]:
        entries = []
        for path in partner_files(self.directory):
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((path.name, stat.st_size, stat.st_mtime_ns))
        return tuple(entries)

    def _reload_locked(self) -> None:
        self._fingerprint = self._scan()
        files = partner_files(self.directory)
        reports = {path: load_partner_file(path, check_channels=self._check_channels) for path in files}
        problems: list[str] = []
        good: dict[Path, Partner] = {}
        for path, report in reports.items():
            if report.partner is not None:
                good[path] = report.partner
                continue
            problems.extend(report.problems)
            previous = self._good.get(path)
            if previous is not None:
                good[path] = previous
                problems.append(f"{path}: keeping the last valid version of partner {previous.id} until it is fixed")
            for problem in report.problems:
                log.error("partner file: %s", problem)
        self._reports = reports
        self._good = good
        self._book = PartnerBook.of({partner.id: partner for partner in good.values()}, tuple(problems))
