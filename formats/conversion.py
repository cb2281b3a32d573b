"""What readers and writers return besides the invoice: warnings that name the term."""

from __future__ import annotations

from dataclasses import dataclass

from formats.detection import Detected
from formats.model import Invoice
from formats.model._fast_init import fast_init

__all__ = ["ConversionWarning", "ReadResult", "RenderResult"]


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class ConversionWarning:
    """Something the target cannot hold, or the source said ambiguously.

    Each code is stable and listed in ``docs/conversion-warnings.md``.
    """

    code: str
    """Stable id, e.g. ``cii.single-preceding-invoice`` or ``extension.not-representable``."""
    term: str
    """The business term or group concerned (``BT-25``, ``BG-3``), or ``EXT`` for extension data."""
    message: str
    """One readable sentence: what was kept, what was dropped, where."""


@fast_init
@dataclass(frozen=True, slots=True)
class RenderResult:
    """The output of a writer."""

    data: bytes
    """The serialized document."""
    warnings: tuple[ConversionWarning, ...] = ()
    """Everything the target syntax could not hold."""


@fast_init
@dataclass(frozen=True, slots=True)
class ReadResult:
    """The output of a reader."""

    invoice: Invoice
    """The canonical model."""
    warnings: tuple[ConversionWarning, ...] = ()
    """Ambiguities met while reading (e.g. differing BT-83 values across UBL means)."""
    detected: Detected | None = None
    """What the input was (set by :func:`formats.reading.read_invoice`)."""
    visual: bytes | None = None
    """The original PDF when the invoice came from a hybrid PDF: its visual representation."""
