"""A partner profile: who the partner is, what it accepts, how to reach it.

Loaded from ``partners/<id>.yaml`` (:mod:`gateway.partners.loading`); frozen so
that a worker holding one is never surprised by a reload.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any

from formats.edifact.eancom import EancomProfile

__all__ = ["Channel", "Identifiers", "Partner", "RetryPolicy"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Identifiers:
    """How invoices name the partner (BT-46 to BT-49 of the buyer)."""

    siren: str | None = None
    siret: str | None = None
    vat: str | None = None
    gln: str | None = None
    peppol: str | None = None
    """``ICD:value``, e.g. ``0009:12345678900012``."""
    e_address: str | None = None
    """``EAS:value``, e.g. ``0225:123456789_ACME``."""

    def index_keys(self) -> tuple[tuple[str, str], ...]:
        """Return (kind, normalised value) pairs the router indexes (see :mod:`gateway.routing`)."""
        found: list[tuple[str, str]] = []
        if self.siren:
            found.append(("siren", self.siren))
        if self.siret:
            found.append(("siret", self.siret))
        if self.vat:
            found.append(("vat", self.vat.upper()))
        if self.gln:
            found.append(("gln", self.gln))
        for scheme_value in (self.peppol, self.e_address):
            if scheme_value:
                scheme, _, value = scheme_value.partition(":")
                found.append((f"eas:{scheme}", value.lower()))
        return tuple(found)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Exponential backoff with jitter, then dead letter."""

    max_attempts: int = 8
    initial_delay: float = 30.0
    """Seconds before the second attempt."""
    max_delay: float = 3600.0
    multiplier: float = 2.0
    jitter: float = 0.2
    """Fraction of the delay drawn at random, both ways."""

    def delay(self, attempt: int, draw: float) -> float:
        """Return the wait after failed attempt number ``attempt`` (1-based).

        :param draw: a number in [0, 1) from the caller's random source, so the
            policy stays a pure function.
        """
        base = min(self.max_delay, self.initial_delay * self.multiplier ** max(attempt - 1, 0))
        return max(0.0, base * (1.0 + self.jitter * (2.0 * draw - 1.0)))


@dataclass(frozen=True, slots=True)
class Channel:
    """One way to reach the partner."""

    type: str
    """Registry name: ``folder``, ``sftp``, ``chorus``…"""
    name: str
    """Unique within the profile; defaults to the type."""
    params: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    """The type's own keys, checked by the channel's ``from_config``."""
    where: str = ""
    """File and key of this channel, for messages (``partners/acme.yaml: channels[0]``)."""


@dataclass(frozen=True, slots=True)
class Partner:
    """A trading partner profile."""

    id: str
    """The file stem."""
    name: str
    identifiers: Identifiers
    receives: tuple[str, ...] = ("ubl",)
    """Formats the partner accepts from us, most preferred first."""
    validate: tuple[str, ...] = ()
    """Layers this partner requires on top of the gateway's ``validation.layers`` (e.g. ``br-fr``)."""
    eancom_profile: EancomProfile | None = None
    """The partner's EANCOM qualifier choices (``receives.eancom-profile``); the default profile when ``None``."""
    interchange_id: str | None = None
    """Its EDIFACT interchange recipient id (UNB S003, ``receives.interchange-id``); the buyer's id when ``None``."""
    sends: tuple[str, ...] = ()
    channels: tuple[Channel, ...] = ()
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    segment: str | None = None
    enabled: bool = True
    source: Path | None = None
    sha256: str = ""
    """Of the file it was loaded from, to tell a changed profile."""
