"""Envelope checks: control references and counts of UNB/UNZ, UNG/UNE, UNH/UNT (ISO 9735-1 §9, annex B).

Each function compares what a trailer says with what was received and returns
the findings, worded ``UNT count 171 != actual 37`` so that reports, CONTRL
and the corpus README speak alike.
"""

from __future__ import annotations

from collections.abc import Collection

from formats.edifact.segments import Interchange, Segment, SyntaxFinding
from formats.edifact.syntax.codes import SyntaxErrorCode

__all__ = [
    "MAX_REFERENCE_LENGTH",
    "check_parties",
    "check_reference",
    "check_count",
    "missing",
]

MAX_REFERENCE_LENGTH = 14
"""0020, 0048 and 0062 are an..14."""


def missing(
    segment: Segment,
    element: int,
    name: str,
    *,
    component: int | None = None,
    message_reference: str | None = None,
) -> SyntaxFinding:
    """Return the finding for a mandatory element that is empty or absent (code 13)."""
    return SyntaxFinding(
        code=SyntaxErrorCode.MISSING,
        message=f"{segment.tag} {name} is missing",
        segment_position=segment.position,
        segment_tag=segment.tag,
        element_position=element,
        component_position=component,
        message_reference=message_reference,
    )


def check_reference(
    opening: Segment,
    closing: Segment,
    *,
    element_name: str,
    opening_value: str,
    closing_element: int,
    message_reference: str | None = None,
) -> list[SyntaxFinding]:
    """Compare the control reference of a header with its trailer's (code 28)."""
    closing_value = closing.element(closing_element - 1)
    if closing_value == opening_value or not opening_value:  # an empty header value is reported as missing
        return []
    if not closing_value:
        return [missing(closing, closing_element, element_name, message_reference=message_reference)]
    return [
        SyntaxFinding(
            code=SyntaxErrorCode.REFERENCES_DO_NOT_MATCH,
            message=f"{opening.tag} {element_name} {opening_value} != {closing.tag} {element_name} {closing_value}",
            segment_position=closing.position,
            segment_tag=closing.tag,
            element_position=closing_element,
            message_reference=message_reference,
        )
    ]


def check_count(
    closing: Segment,
    *,
    actual: int | Collection[int],
    what: str,
    message_reference: str | None = None,
) -> list[SyntaxFinding]:
    """Compare a trailer's control count (its first element) with what was received (code 29).

    :param actual: the count received, or every count the trailer may rightly state.
    """
    accepted = (actual,) if isinstance(actual, int) else tuple(actual)
    stated = closing.element(0)
    if not stated:
        return [missing(closing, 1, f"{what} count", message_reference=message_reference)]
    if stated.isdigit() and int(stated) in accepted:
        return []
    return [
        SyntaxFinding(
            code=SyntaxErrorCode.CONTROL_COUNT_MISMATCH,
            message=f"{closing.tag} count {stated} != actual {accepted[0]}",
            segment_position=closing.position,
            segment_tag=closing.tag,
            element_position=1,
            message_reference=message_reference,
        )
    ]


def check_parties(
    interchange: Interchange,
    *,
    recipients: Collection[str] | None = None,
    senders: Collection[str] | None = None,
) -> tuple[SyntaxFinding, ...]:
    """Check UNB sender and recipient against the parties we know (codes 23 and 7).

    The syntax reader does not know the partner table; the gateway calls this
    with its own identifiers (UNB S002/S003 0004/0010, without qualifier).
    """
    findings = []
    sender = interchange.sender[0] if interchange.sender else ""
    recipient = interchange.recipient[0] if interchange.recipient else ""
    if senders is not None and sender not in senders:
        findings.append(
            SyntaxFinding(
                code=SyntaxErrorCode.UNKNOWN_SENDER,
                message=f"UNB sender {sender!r} is not a known partner",
                segment_position=1,
                segment_tag="UNB",
                element_position=2,
            )
        )
    if recipients is not None and recipient not in recipients:
        findings.append(
            SyntaxFinding(
                code=SyntaxErrorCode.RECIPIENT_NOT_ACTUAL,
                message=f"UNB recipient {recipient!r} is not us",
                segment_position=1,
                segment_tag="UNB",
                element_position=3,
            )
        )
    return tuple(findings)
