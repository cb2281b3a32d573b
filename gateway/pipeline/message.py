"""The message that travels through the pipeline, and the context steps may use."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from formats.detection import Detected
from formats.edifact.control_numbers import ControlNumbers
from formats.mappings import Mapping
from formats.validation.engine import Validator
from formats.validation.layers import Layer
from gateway.partners import PartnerBook
from gateway.pipeline.events import Event, Parsed, Rendition, Routed

__all__ = ["Message", "StepContext"]


@dataclass(frozen=True, slots=True)
class Message:
    """One invoice on its way through the steps; each step's events evolve it (:meth:`apply`)."""

    invoice_id: str
    content: bytes
    """The original bytes as submitted."""
    filename: str
    source: str
    detected: Detected | None = None
    parsed: Parsed | None = None
    partner_id: str | None = None
    renditions: tuple[Rendition, ...] = ()
    quarantined: bool = False

    def apply(self, events: Iterable[Event]) -> Message:
        """Return the message as the events leave it."""
        changes: dict[str, object] = {}
        renditions = list(self.renditions)
        for event in events:
            if event.quarantines:
                changes["quarantined"] = True
            match event.payload:
                case Detected():
                    changes["detected"] = event.payload
                case Parsed():
                    changes["parsed"] = event.payload
                case Routed(partner_id=partner_id):
                    changes["partner_id"] = partner_id
                case Rendition():
                    renditions.append(event.payload)
                case None:
                    pass
        changes["renditions"] = tuple(renditions)
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class StepContext:
    """What steps may use besides the message: configuration and long-lived engines, no store."""

    partners: PartnerBook
    validator: Validator | None = None
    """``None`` switches validation off (tests of other steps, ``validate: []``)."""
    layers: Sequence[Layer] = (Layer.XSD, Layer.CEN)
    """Layers every incoming invoice must pass."""
    mappings: Sequence[Mapping] = ()
    """Plain-PDF mappings (``mappings/*.yaml``)."""
    max_bytes: int = 100 * 1024 * 1024
    control_numbers: ControlNumbers | None = None
    """Where EDIFACT interchange references come from (the store's sequences); ``1`` when ``None``."""
