"""Events: what each step says happened. The runner stores them as the invoice's timeline."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from types import MappingProxyType
from typing import Any

from formats.conversion import ConversionWarning
from formats.detection import Detected
from formats.model import Invoice
from gateway.pipeline.status import Status

__all__ = ["Event", "Parsed", "Payload", "Rendition", "Routed"]

_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True, slots=True)
class Parsed:
    """The invoice read into the model."""

    invoice: Invoice
    warnings: tuple[ConversionWarning, ...] = ()
    visual: bytes | None = None
    """The PDF the invoice came in, when it came as a PDF."""
    mapped_by: str | None = None
    """The mapping file's issuer, for a plain PDF read through a mapping."""


@dataclass(frozen=True, slots=True)
class Routed:
    """The recipient and the format chosen for it."""

    partner_id: str


@dataclass(frozen=True, slots=True)
class Rendition:
    """A document to deliver."""

    format: str
    filename: str
    media_type: str
    content: bytes
    passthrough: bool = False
    """The original bytes, sent as received (the partner accepts the input format)."""


Payload = Detected | Parsed | Routed | Rendition


@dataclass(frozen=True, slots=True)
class Event:
    """One thing that happened to an invoice."""

    step: str
    """The step or component that says it (``detect``, ``read``, ``outbox``…)."""
    kind: str
    """Stable id: ``received``, ``duplicate``, ``detected``, ``parsed``, ``validated``, ``quarantined``…"""
    status: Status | None = None
    """The status this event moves the invoice to, if any."""
    detail: str = ""
    """One readable line."""
    data: Mapping[str, Any] = field(default_factory=lambda: _EMPTY)
    """JSON-able facts (rule ids, formats, codes) kept on the timeline."""
    payload: Payload | None = None
    """What the next steps need (the model, the rendition); not stored as such."""
    at: datetime | None = None
    """When the step finished (set by the runner, which owns the clock)."""

    @property
    def quarantines(self) -> bool:
        return self.status is Status.QUARANTINED
