"""CONTRL, the syntax and service report message (ISO 9735-5 annex, UN/EDIFACT CONTRL D:3 and 4:1).

Built from the syntax layer's findings: UCI answers the interchange (0083
action 4 rejected, 7 acknowledged, 8 received only), one UCM per message with
a fatal finding, UCS/UCD point at the segment and data element of each error
with its 0085 code. A received CONTRL is read into :class:`ContrlResult`.

Action at interchange level: 4 when the envelope itself is wrong (a finding
outside any message) or when every message is rejected; 7 otherwise, with a
UCM 4 for each rejected message (messages not named are acknowledged).
Non-fatal findings are not reported: CONTRL has no warning level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from formats.edifact.segments import Interchange, Message, Segment, SyntaxFinding
from formats.edifact.syntax import (
    EdifactSyntaxError,
    build_message,
    charset_for,
    parse_interchange,
    write_interchange,
)
from formats.errors import UnsupportedFormat

__all__ = [
    "Action",
    "ContrlError",
    "ContrlMessageStatus",
    "ContrlResult",
    "build_contrl",
    "contrl_for_unreadable",
    "read_contrl",
    "read_contrl_interchange",
    "write_contrl",
    "write_contrl_for_unreadable",
]

_SERVICE_TAGS = frozenset({"UNA", "UNB", "UNG", "UNH", "UNT", "UNE", "UNZ", "UNO", "UNP", "UNS"})


class Action(StrEnum):
    """Data element 0083, action coded (the ones CONTRL senders use)."""

    REJECTED = "4"
    """This level and all lower levels rejected."""
    ACKNOWLEDGED = "7"
    """This level acknowledged; lower levels acknowledged unless rejected explicitly."""
    RECEIVED = "8"
    """Interchange received, not (yet) checked."""


@dataclass(frozen=True, slots=True)
class ContrlError:
    """One error reported in a CONTRL."""

    code: str
    """0085 syntax error code."""
    segment_tag: str | None = None
    """0013 service segment tag (UCI/UCM) when the error is in UNB, UNZ, UNH, UNT…"""
    segment_position: int | None = None
    """0096 segment position in the message (UCS), UNH = 1."""
    element_position: int | None = None
    """0098 data element position in the segment (UCD, UCI/UCM S011)."""
    component_position: int | None = None
    """0104 component position."""


@dataclass(frozen=True, slots=True)
class ContrlMessageStatus:
    """What a CONTRL says about one message (UCM and its UCS/UCD)."""

    reference: str
    """0062 of the acknowledged message."""
    identifier: tuple[str, ...]
    """S009: type, version, release, agency, association code."""
    action: str
    """0083 for this message."""
    errors: tuple[ContrlError, ...] = ()

    @property
    def accepted(self) -> bool:
        """Return whether the message was acknowledged."""
        return self.action == Action.ACKNOWLEDGED


@dataclass(frozen=True, slots=True)
class ContrlResult:
    """A received CONTRL, as the gateway needs it for an acknowledgement event."""

    interchange_reference: str
    """UCI 0020: the control reference of the interchange acknowledged."""
    sender: tuple[str, ...]
    """UCI S002: the sender of the acknowledged interchange (us)."""
    recipient: tuple[str, ...]
    """UCI S003: its recipient (the partner answering)."""
    action: str
    """UCI 0083."""
    error: ContrlError | None = None
    """The interchange-level error, when UCI carries one."""
    messages: tuple[ContrlMessageStatus, ...] = ()
    contrl_reference: str = ""
    """UNH 0062 of the CONTRL itself."""

    @property
    def accepted(self) -> bool:
        """Return whether the interchange was acknowledged (7) or only received (8), not rejected."""
        return self.action in (Action.ACKNOWLEDGED, Action.RECEIVED)

    def message_accepted(self, reference: str) -> bool:
        """Return whether a message was accepted, explicitly or by the interchange's action."""
        for status in self.messages:
            if status.reference == reference:
                return status.accepted
        return self.action == Action.ACKNOWLEDGED


def _position(element: int | None, component: int | None) -> tuple[str, ...]:
    if element is None:
        return ()
    return (str(element), str(component)) if component is not None else (str(element),)


def _error_elements(finding: SyntaxFinding) -> list[tuple[str, ...]]:
    """0085, 0013, S011 for a UCI or UCM."""
    tag = finding.segment_tag if finding.segment_tag in _SERVICE_TAGS else ""
    return [(finding.code,), (tag or "",), _position(finding.element_position, finding.component_position)]


def _message_identifier(message: Message) -> tuple[str, ...]:
    # Echo S009 as received: CEN INVOIC puts 16B in 0110, after an empty 0057.
    if message.segments and message.segments[0].tag == "UNH" and len(message.segments[0].elements) > 1:
        return message.segments[0].elements[1]
    return (message.type, message.version, message.release, message.agency, message.association_code)


def build_contrl(
    interchange: Interchange,
    findings: Sequence[SyntaxFinding] | None = None,
    *,
    reference: str = "1",
    report_messages: bool = False,
) -> Message:
    """Return the CONTRL answering ``interchange`` (body only: the writer adds UNH/UNT).

    :param findings: the problems to report; the interchange's own findings by default.
    :param reference: UNH 0062 of the CONTRL.
    :param report_messages: add a UCM 7 for every accepted message too.
    """
    fatal = [f for f in (interchange.findings if findings is None else findings) if f.fatal]
    envelope = [f for f in fatal if f.message_reference is None]
    by_message: dict[str, list[SyntaxFinding]] = {}
    for finding in fatal:
        if finding.message_reference is not None:
            by_message.setdefault(finding.message_reference, []).append(finding)
    rejected_all = bool(envelope) or (bool(interchange.messages) and len(by_message) >= len(interchange.messages))
    uci: list[tuple[str, ...]] = [
        (interchange.control_reference,),
        interchange.sender,
        interchange.recipient,
        (Action.REJECTED if rejected_all else Action.ACKNOWLEDGED,),
    ]
    if envelope:
        uci += _error_elements(envelope[0])
    segments = [Segment("UCI", tuple(uci))]
    for message in interchange.messages:
        problems = by_message.get(message.reference)
        if not problems and not report_messages:
            continue
        segments += _ucm(message, problems or [])
    version, release = ("4", "1") if interchange.syntax_version == "4" else ("D", "3")
    return build_message("CONTRL", segments, reference=reference, version=version, release=release)


def _ucm(message: Message, problems: list[SyntaxFinding]) -> list[Segment]:
    header = [f for f in problems if f.segment_tag in ("UNH", "UNT") and f.segment_position in (1, None)]
    header += [f for f in problems if f.segment_tag == "UNT" and f not in header]
    ucm: list[tuple[str, ...]] = [
        (message.reference,),
        _message_identifier(message),
        (Action.REJECTED if problems else Action.ACKNOWLEDGED,),
    ]
    if header:
        ucm += _error_elements(header[0])
    out = [Segment("UCM", tuple(ucm))]
    by_segment: dict[int, list[SyntaxFinding]] = {}
    for finding in problems:
        if finding in header[:1] or finding.segment_position is None:
            continue
        by_segment.setdefault(finding.segment_position, []).append(finding)
    for position in sorted(by_segment):
        in_segment = by_segment[position]
        whole = [f for f in in_segment if f.element_position is None]
        out.append(Segment("UCS", ((str(position),), (whole[0].code,)) if whole else ((str(position),),)))
        for finding in in_segment:
            if finding.element_position is not None:
                out.append(
                    Segment("UCD", ((finding.code,), _position(finding.element_position, finding.component_position)))
                )
    return out


def write_contrl(
    interchange: Interchange,
    *,
    control_reference: str,
    findings: Sequence[SyntaxFinding] | None = None,
    prepared: datetime | tuple[str, str] | None = None,
    report_messages: bool = False,
    newlines: bool = False,
) -> bytes:
    """Write the CONTRL interchange answering ``interchange``: sender and recipient swapped, same syntax."""
    message = build_contrl(interchange, findings, report_messages=report_messages)
    version = "4" if interchange.syntax_version == "4" else "3"
    return write_interchange(
        [message],
        sender=interchange.recipient or ("",),
        recipient=interchange.sender or ("",),
        control_reference=control_reference,
        syntax_id=interchange.syntax_id,
        syntax_version=version,
        prepared=prepared,
        newlines=newlines,
    )


def _int(value: str) -> int | None:
    return int(value) if value.isdigit() else None


def _error_from(segment: Segment, first: int) -> ContrlError | None:
    """Read 0085, 0013, S011 starting at element index ``first``."""
    code = segment.element(first)
    if not code:
        return None
    return ContrlError(
        code=code,
        segment_tag=segment.element(first + 1) or None,
        element_position=_int(segment.element(first + 2, 0)),
        component_position=_int(segment.element(first + 2, 1)),
    )


def read_contrl(message: Message) -> ContrlResult:
    """Read a CONTRL message.

    :raises UnsupportedFormat: when the message is not a CONTRL or has no UCI.
    """
    if message.type != "CONTRL":
        raise UnsupportedFormat(f"message {message.reference} is {message.type or '?'}, not CONTRL")
    uci = next((s for s in message.segments if s.tag == "UCI"), None)
    if uci is None:
        raise UnsupportedFormat(f"CONTRL {message.reference} has no UCI segment")
    statuses: list[ContrlMessageStatus] = []
    current: Segment | None = None
    errors: list[ContrlError] = []
    segment_position: int | None = None

    def close() -> None:
        if current is not None:
            statuses.append(
                ContrlMessageStatus(
                    current.element(0),
                    current.elements[1] if len(current.elements) > 1 else (),
                    current.element(2),
                    tuple(errors),
                )
            )

    for segment in message.segments:
        if segment.tag == "UCM":
            close()
            current, errors, segment_position = segment, [], None
            header_error = _error_from(segment, 3)
            if header_error is not None:
                errors.append(header_error)
        elif segment.tag == "UCS" and current is not None:
            segment_position = _int(segment.element(0))
            if segment.element(1):
                errors.append(ContrlError(segment.element(1), segment_position=segment_position))
        elif segment.tag == "UCD" and current is not None:
            errors.append(
                ContrlError(
                    segment.element(0),
                    segment_position=segment_position,
                    element_position=_int(segment.element(1, 0)),
                    component_position=_int(segment.element(1, 1)),
                )
            )
    close()
    return ContrlResult(
        interchange_reference=uci.element(0),
        sender=uci.elements[1] if len(uci.elements) > 1 else (),
        recipient=uci.elements[2] if len(uci.elements) > 2 else (),
        action=uci.element(3),
        error=_error_from(uci, 4),
        messages=tuple(statuses),
        contrl_reference=message.reference,
    )


def read_contrl_interchange(data: bytes) -> tuple[ContrlResult, ...]:
    """Read every CONTRL in an interchange (leniently: an envelope slip must not hide an answer).

    :raises EdifactSyntaxError: when the interchange cannot be read at all.
    :raises UnsupportedFormat: when it holds no CONTRL.
    """
    interchange = parse_interchange(data)
    results = tuple(read_contrl(m) for m in interchange.messages if m.type == "CONTRL")
    if not results:
        raise UnsupportedFormat(f"interchange {interchange.control_reference} holds no CONTRL message")
    return results


def contrl_for_unreadable(
    error: EdifactSyntaxError,
    *,
    sender: Sequence[str] = (),
    recipient: Sequence[str] = (),
) -> Message:
    """Return a CONTRL rejecting (UCI 4) an interchange the reader could not read at all.

    Reference, sender and recipient come from the error's UNB when it could be
    read; otherwise from ``sender`` (the partner, as the channel knows it) and
    ``recipient`` (us).
    """
    header = error.header
    finding = error.findings[0] if error.findings else None
    syntax_version = header.element(0, 1) if header is not None else "3"
    uci: list[tuple[str, ...]] = [
        (header.element(4) if header is not None else "",),
        header.elements[1] if header is not None and len(header.elements) > 1 else tuple(sender),
        header.elements[2] if header is not None and len(header.elements) > 2 else tuple(recipient),
        (Action.REJECTED,),
    ]
    if finding is not None:
        uci += _error_elements(finding)
    version, release = ("4", "1") if syntax_version == "4" else ("D", "3")
    return build_message("CONTRL", [Segment("UCI", tuple(uci))], reference="1", version=version, release=release)


def write_contrl_for_unreadable(
    error: EdifactSyntaxError,
    *,
    control_reference: str,
    sender: Sequence[str] = (),
    recipient: Sequence[str] = (),
    prepared: datetime | tuple[str, str] | None = None,
    newlines: bool = False,
) -> bytes:
    """Write the CONTRL interchange rejecting input the reader could not read.

    It goes back in the input's syntax when its UNB named a known one, else in
    UNOC syntax 3, which every EDIFACT partner reads.
    """
    header = error.header
    message = contrl_for_unreadable(error, sender=sender, recipient=recipient)
    syntax_id, version = ("UNOC", "3")
    if header is not None and charset_for(header.element(0, 0)) is not None:
        syntax_id = header.element(0, 0)
        version = "4" if header.element(0, 1) == "4" else "3"
    them = header.elements[1] if header is not None and len(header.elements) > 1 else tuple(sender)
    us = header.elements[2] if header is not None and len(header.elements) > 2 else tuple(recipient)
    return write_interchange(
        [message],
        sender=us or ("",),
        recipient=them or ("",),
        control_reference=control_reference,
        syntax_id=syntax_id,
        syntax_version=version,
        prepared=prepared,
        newlines=newlines,
    )
