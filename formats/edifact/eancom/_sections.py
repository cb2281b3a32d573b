"""Cut an INVOIC D96A message into its header groups, line groups and summary.

EANCOM files from the field are often loose about the segment table, so the
message is grouped by trigger segments rather than checked against the
directory: a group runs from its trigger to the next trigger of its level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from formats.edifact.segments import Message, Segment

__all__ = ["Line", "Sections", "split_message", "unmapped"]

#: Header group triggers (SG1 RFF, SG2 NAD, SG6 TAX, SG7 CUX, SG8 PAT, SG10 TDT, SG12 TOD, SG13 PAC, SG15 ALC …).
_HEADER_TRIGGERS = frozenset({"NAD", "TAX", "CUX", "PAT", "TDT", "TOD", "PAC", "EQD", "ALC", "RCS", "AJT", "INP"})

Group = tuple[Segment, ...]


@dataclass(frozen=True, slots=True)
class Line:
    """One SG25 group: the line's own segments, and its SG38 allowance/charge groups."""

    segments: Group
    allowances: tuple[Group, ...]


@dataclass(frozen=True, slots=True)
class Sections:
    """A message cut at its group triggers."""

    top: Group
    """Header segments before the first group (BGM, DTM, PAI, FTX …)."""
    groups: tuple[Group, ...]
    """Header groups, each starting with its trigger."""
    lines: tuple[Line, ...]
    totals: Group
    """Summary MOA (SG48) before the first summary TAX or ALC."""
    breakdowns: tuple[Group, ...]
    """Summary TAX groups (SG50)."""
    others: Group
    """Summary segments the binding does not map (CNT aside), e.g. SG51 ALC."""


def _chunks(segments: Sequence[Segment], trigger: str) -> list[list[Segment]]:
    out: list[list[Segment]] = []
    for segment in segments:
        if segment.tag == trigger or not out:
            out.append([])
        out[-1].append(segment)
    return out


def split_message(message: Message) -> Sections:
    """Cut ``message`` (UNH … UNT) into header, lines and summary."""
    body = [s for s in message.segments if s.tag not in ("UNH", "UNT")]
    uns = next((index for index, s in enumerate(body) if s.tag == "UNS"), len(body))
    first_line = next((index for index, s in enumerate(body[:uns]) if s.tag == "LIN"), uns)
    top: list[Segment] = []
    groups: list[list[Segment]] = []
    for segment in body[:first_line]:
        # SG1 RFF starts a group of its own only outside the groups that hold RFF themselves (NAD …),
        # and TAX inside an allowance or charge is its SG20, not a new SG6.
        trigger = groups[-1][0].tag if groups else None
        opens_references = segment.tag == "RFF" and trigger in (None, "RFF")
        nested_tax = segment.tag == "TAX" and trigger == "ALC"
        if (segment.tag in _HEADER_TRIGGERS and not nested_tax) or opens_references:
            groups.append([segment])
        elif groups:
            groups[-1].append(segment)
        else:
            top.append(segment)
    lines = []
    for chunk in _chunks(body[first_line:uns], "LIN"):
        alc = next((index for index, s in enumerate(chunk) if s.tag == "ALC"), len(chunk))
        lines.append(Line(tuple(chunk[:alc]), tuple(tuple(c) for c in _chunks(chunk[alc:], "ALC"))))
    totals: list[Segment] = []
    breakdowns: list[list[Segment]] = []
    others: list[Segment] = []
    current: list[Segment] | None = None
    for segment in body[uns + 1 :]:
        if segment.tag == "TAX":
            current = [segment]
            breakdowns.append(current)
        elif segment.tag == "ALC" or (current is None and segment.tag not in ("MOA", "CNT", "RFF")):
            current = others
            others.append(segment)
        elif current is not None:
            current.append(segment)
        elif segment.tag == "MOA":
            totals.append(segment)
    return Sections(
        tuple(top),
        tuple(tuple(g) for g in groups),
        tuple(lines),
        tuple(totals),
        tuple(tuple(b) for b in breakdowns),
        tuple(others),
    )


def unmapped(what: str) -> str:
    """Return the message of an ``edifact-eancom.unmapped`` warning."""
    return f"{what} has no EN 16931 meaning in the EANCOM binding; not read"
