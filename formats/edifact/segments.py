"""The data every EDIFACT module shares: segments, messages, interchanges (ISO 9735).

The syntax layer (:mod:`formats.edifact.syntax`) turns bytes into these and
back; the message bindings (INVOIC CEN, EANCOM, CONTRL, APERAK) and the
ISO 20625 XML form work on them only, so no binding ever sees a separator or
a release character.
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Delimiters", "Interchange", "Message", "Package", "Segment", "SyntaxFinding"]


@dataclass(frozen=True, slots=True)
class Delimiters:
    """The service characters (UNA), ISO 9735 defaults."""

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str = "?"
    repetition: str = "*"
    """Syntax version 4 only; version 3 reserves the position (a space)."""
    terminator: str = "'"


@dataclass(frozen=True, slots=True)
class Segment:
    """One segment: its tag and its data elements, each a tuple of components.

    A simple data element is a 1-tuple; empty components are ``""``; trailing
    empty elements and components are dropped on reading (ISO 9735 §7.1).
    Repeated data elements (syntax 4) are kept as separate components groups in
    ``repeats`` of the element's position, see :attr:`repetitions`.
    """

    tag: str
    elements: tuple[tuple[str, ...], ...] = ()
    position: int = 0
    """1-based position in the message (UNH = 1), or in the interchange for service segments; 0 when built."""
    repetitions: tuple[tuple[int, tuple[tuple[str, ...], ...]], ...] = ()
    """(element index, further occurrences) for repeated data elements (syntax 4); empty in nearly all messages."""

    def element(self, index: int, component: int = 0) -> str:
        """Return one component (0-based element and component index), ``""`` when absent."""
        if index >= len(self.elements):
            return ""
        parts = self.elements[index]
        return parts[component] if component < len(parts) else ""


@dataclass(frozen=True, slots=True)
class Message:
    """One message between UNH and UNT (both included in ``segments``)."""

    reference: str
    """UNH 0062, the message reference number."""
    type: str
    """UNH S009 0065 (``INVOIC``, ``CONTRL``, ``APERAK``)."""
    version: str
    """S009 0052 (``D``)."""
    release: str
    """S009 0054 (``14B``, ``96A``)."""
    agency: str
    """S009 0051 (``UN``)."""
    association_code: str
    """S009 0057 (``EAN008``, ``16B``…), ``""`` when absent."""
    segments: tuple[Segment, ...]
    group_reference: str | None = None
    """The UNG group the message travelled in, if any."""


@dataclass(frozen=True, slots=True)
class Package:
    """A UNO…UNP binary object package (syntax 4 part 8), carried beside the messages."""

    reference: str
    """UNO 0800 package reference."""
    content: bytes
    """The object bytes exactly as transmitted between UNO and UNP."""
    header: Segment
    """The UNO segment, for bindings that read its object type and identification."""
    position: int = 0


@dataclass(frozen=True, slots=True)
class SyntaxFinding:
    """One syntax or envelope problem, positioned for a CONTRL report."""

    code: str
    """ISO 9735 syntax error code (data element 0085), e.g. ``"29"`` control count mismatch."""
    message: str
    """What is wrong, in one line."""
    segment_position: int | None = None
    """Position of the segment concerned (for UCS), 1-based in its message or interchange."""
    segment_tag: str | None = None
    element_position: int | None = None
    """1-based data element position (for UCD), when the problem is inside an element."""
    component_position: int | None = None
    message_reference: str | None = None
    """The UNH 0062 of the message concerned; ``None`` for interchange-level problems."""
    fatal: bool = True
    """Whether strict mode rejects the interchange for it."""


@dataclass(frozen=True, slots=True)
class Interchange:
    """A whole interchange between UNB and UNZ."""

    syntax_id: str
    """UNB S001 0001: ``UNOA``, ``UNOB``, ``UNOC``, ``UNOW``, ``UNOY``…"""
    syntax_version: str
    """UNB S001 0002: ``"3"`` or ``"4"``."""
    sender: tuple[str, ...]
    """UNB S002 components (id, code qualifier, …)."""
    recipient: tuple[str, ...]
    """UNB S003 components."""
    prepared: tuple[str, ...]
    """UNB S004: date and time."""
    control_reference: str
    """UNB 0020."""
    messages: tuple[Message, ...]
    delimiters: Delimiters = field(default_factory=Delimiters)
    header: Segment | None = None
    """The UNB segment as read, for fields beyond those above (application reference, test indicator)."""
    packages: tuple[Package, ...] = ()
    findings: tuple[SyntaxFinding, ...] = ()
    """Envelope and syntax problems found while reading (lenient mode keeps them here)."""
