"""Find the partner an AS2 message or MDN comes from, among the partner profiles with an ``as2`` channel.

The same channel mapping serves both directions: the partner's ``as2-to`` is
the AS2-From of what it sends us, our ``as2-from`` its AS2-To. Keys are loaded
once per version of the profile (the file's SHA-256) and the certificates'
validity is checked again at every lookup, so an expired certificate is refused
the day it expires without a restart.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from formats.errors import ConfigError
from gateway.partners import Channel, Partner, PartnerDirectory
from gateway.transports.as2 import Parties
from gateway.transports.as2.certificates import check_validity
from gateway.transports.as2.errors import PartnerUnusable
from gateway.transports.as2.settings import As2ChannelConfig, As2Setup

__all__ = ["As2Directory", "As2Peer"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class As2Peer:
    """One partner's ``as2`` channel, keys loaded."""

    partner_id: str
    channel: str
    setup: As2Setup

    @property
    def channel_key(self) -> str:
        """The tracking-store key the worker uses for this channel (``partner/channel``)."""
        return f"{self.partner_id}/{self.channel}"

    @property
    def parties(self) -> Parties:
        return Parties(self.setup.partner, self.setup.identity)


@dataclass(frozen=True, slots=True)
class _Entry:
    partner: Partner
    channel: Channel
    config: As2ChannelConfig


class As2Directory:
    """AS2 name pairs → partner channels, from the live partner directory."""

    def __init__(self, partners: PartnerDirectory, *, clock: Callable[[], dt.datetime]) -> None:
        self._partners = partners
        self._clock = clock
        self._lock = threading.Lock()
        self._loaded: dict[tuple[str, str, str], As2Setup | ConfigError] = {}
        self._indexed: tuple[object, dict[tuple[str, str], _Entry]] | None = None

    def _entries(self) -> dict[tuple[str, str], _Entry]:
        book = self._partners.current()
        indexed = self._indexed
        if indexed is not None and indexed[0] is book:
            return indexed[1]  # the partner files did not change: the index still holds
        entries: dict[tuple[str, str], _Entry] = {}
        for partner in book:
            for channel in partner.channels:
                if channel.type != "as2":
                    continue
                base = partner.source.parent if partner.source else Path.cwd()
                try:
                    config = As2ChannelConfig.from_config(dict(channel.params), where=channel.where, base=base)
                except ConfigError:
                    continue  # the partner loader already reported it
                # (their name, our name): the first channel listed wins, as for routing.
                entries.setdefault((config.as2_to, config.as2_from), _Entry(partner, channel, config))
        self._indexed = (book, entries)
        return entries

    def find(self, as2_from: str, as2_to: str) -> As2Peer | None:
        """Return the channel of the partner named ``as2_from`` sending to our ``as2_to``, or ``None``.

        :raises PartnerUnusable: the pair is configured but its keys cannot be used now
            (expired certificate, unreadable key, unset password variable).
        """
        entry = self._entries().get((as2_from, as2_to))
        if entry is None:
            return None
        key = (entry.partner.id, entry.channel.name, entry.partner.sha256 + _stamp(entry.config))
        with self._lock:
            loaded = self._loaded.get(key)
            if loaded is None:
                try:
                    loaded = entry.config.load(now=self._clock())
                except ConfigError as exc:
                    loaded = exc
                # Loaded again when the profile or a key file changes (renewal), not on every message.
                self._loaded = {k: v for k, v in self._loaded.items() if k[:2] != key[:2]}
                self._loaded[key] = loaded
        if isinstance(loaded, ConfigError):
            raise PartnerUnusable(f"partner {entry.partner.id}: AS2 channel unusable: {loaded.one_line()}")
        now = self._clock()
        for certificate in (loaded.identity.certificate, loaded.partner.certificate):
            status = check_validity(certificate, now=now, warn_days=0)
            if not status.usable:
                raise PartnerUnusable(
                    f"partner {entry.partner.id}: certificate {status.subject} is {status.validity.value}"
                )
        return As2Peer(entry.partner.id, entry.channel.name, loaded)

    def forget(self) -> None:
        """Drop loaded keys (tests, key rollover without a profile change)."""
        with self._lock:
            self._loaded.clear()


def _stamp(config: As2ChannelConfig) -> str:
    """Return the key files' modification times: a renewed certificate is picked up without a restart."""
    stamps = []
    for path in (config.key, config.certificate, config.partner_certificate):
        try:
            stamps.append(str(path.stat().st_mtime_ns) if path is not None else "-")
        except OSError:
            stamps.append("?")
    return ":" + ",".join(stamps)
