"""Read an EDIFACT interchange: bytes → :class:`~formats.edifact.segments.Interchange` (ISO 9735 syntax 3 and 4).

Three kinds of problem, three behaviours:

* input nobody can read (not EDIFACT, no UNB, unknown character set, a
  truncated interchange without UNZ, a segment of more than 10 000 elements,
  a segment tag broken by an unescaped separator) always raises
  :class:`EdifactSyntaxError` with a one-line reason;
* envelope errors (references and counts that disagree, mandatory service
  elements missing, segments outside a message) are :class:`SyntaxFinding`\\ s,
  kept on the interchange in lenient mode and raised in strict mode;
* tolerated deviations (small letters in UNOA) are non-fatal findings.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from formats.edifact.segments import Delimiters, Interchange, Message, Package, Segment, SyntaxFinding
from formats.edifact.syntax.charsets import Charset, charset_for
from formats.edifact.syntax.codes import SyntaxErrorCode
from formats.edifact.syntax.envelope import MAX_REFERENCE_LENGTH, check_count, check_reference, missing
from formats.edifact.syntax.errors import EdifactSyntaxError
from formats.edifact.syntax.tokenizer import (
    ISO_IS_DELIMITERS,
    SegmentTooLong,
    delimiters_from_una,
    segment_parser,
    split_escaped,
)

__all__ = ["parse_interchange"]

_TAG = re.compile(r"[A-Z][A-Z0-9]{2}")
_SUPPORTED_VERSIONS = {"1", "2", "3", "4"}
_BOM = "\xef\xbb\xbf"  # the UTF-8 byte order mark, as read through ISO 8859-1
_SHOWN = 40  # characters of offending input quoted in an error


@dataclass(frozen=True, slots=True)
class _RawPackage:
    header: str
    content: bytes


def _fail(reason: str, *, code: str = SyntaxErrorCode.UNSPECIFIED, tag: str | None = None) -> EdifactSyntaxError:
    finding = SyntaxFinding(code=code, message=reason, segment_tag=tag)
    return EdifactSyntaxError(f"unreadable EDIFACT interchange: {reason}", (finding,))


def _service_string(text: str) -> tuple[Delimiters, int]:
    """Return the delimiters and the offset of UNB, from UNA or the defaults."""
    start = 0
    if text.startswith(_BOM):
        start = len(_BOM)
    while start < len(text) and text[start] in " \t\r\n":
        start += 1
    if text.startswith("UNA", start):
        try:
            delimiters = delimiters_from_una(text[start : start + 9])
        except ValueError as exc:
            raise _fail(str(exc), tag="UNA") from None
        start += 9
        while start < len(text) and text[start] in "\r\n":
            start += 1
        return delimiters, start
    if text.startswith("UNB\x1d", start):
        return ISO_IS_DELIMITERS, start
    if text.startswith("UNB", start):
        return Delimiters(), start
    if text.startswith("UIB", start):
        raise _fail("interactive EDIFACT (UIB) is not supported", code=SyntaxErrorCode.NOT_SUPPORTED_IN_POSITION)
    shown = text[start : start + _SHOWN].encode("latin-1").decode("ascii", "replace")
    raise _fail(f"not an EDIFACT interchange: it starts with {shown!r}, not UNA or UNB", tag="UNB")


def _find_package(text: str, start: int, delimiters: Delimiters) -> int:
    """Return the offset of the next ``UNO`` segment at or after ``start``, or -1."""
    needle = "UNO" + delimiters.element
    position = text.find(needle, start)
    while position >= 0:
        before = position
        while before > start and text[before - 1] in "\r\n":
            before -= 1
        if before == start:
            return position
        if text[before - 1] == delimiters.terminator:
            run = text[: before - 1]
            released = len(run) - len(run.rstrip(delimiters.release)) if delimiters.release else 0
            if released % 2 == 0:
                return position
        position = text.find(needle, position + 1)
    return -1


def _split_chunk(chunk: str, delimiters: Delimiters, *, final: bool) -> list[str]:
    pieces = split_escaped(chunk, delimiters.terminator, delimiters.release)
    rest = pieces.pop()
    if rest.strip():
        shown = rest.strip()[:_SHOWN]
        if final:
            raise _fail(f"truncated interchange: the last segment {shown!r} has no terminator")
        raise _fail(f"segment {shown!r} before a UNO package has no terminator")
    segments = []
    for piece in pieces:
        piece = piece.lstrip("\r\n")
        if piece:
            segments.append(piece)
    return segments


def _split(text: str, start: int, delimiters: Delimiters) -> list[str | _RawPackage]:
    """Split the text after UNA into segment texts, cutting UNO packages out by their length."""
    items: list[str | _RawPackage] = []
    position = start
    while True:
        package_at = _find_package(text, position, delimiters)
        if package_at < 0:
            items.extend(_split_chunk(text[position:], delimiters, final=True))
            return items
        items.extend(_split_chunk(text[position:package_at], delimiters, final=False))
        header_end = text.find(delimiters.terminator, package_at)
        if header_end < 0:
            raise _fail("truncated interchange: UNO segment has no terminator", tag="UNO")
        header = text[package_at:header_end]
        fields = header.split(delimiters.element)
        length_field = fields[4].split(delimiters.component)[0] if len(fields) > 4 else ""
        if not length_field.isdigit():
            raise _fail(
                f"UNO package header {header[:_SHOWN]!r} does not state the object length (0810)",
                code=SyntaxErrorCode.MISSING,
                tag="UNO",
            )
        body_start = header_end + 1
        body_end = body_start + int(length_field)
        if not text.startswith("UNP" + delimiters.element, body_end):
            raise _fail(
                f"UNO package {fields[1]!r}: no UNP right after its {length_field} octets",
                code=SyntaxErrorCode.CONTROL_COUNT_MISMATCH,
                tag="UNP",
            )
        items.append(_RawPackage(header, text[body_start:body_end].encode("latin-1")))
        position = body_end


class _Reader:
    """One pass over the segments, building messages and findings."""

    def __init__(self, delimiters: Delimiters, charset: Charset, version: str) -> None:
        self.delimiters = delimiters
        self.charset = charset
        self.findings: list[SyntaxFinding] = []
        self.parse: Callable[[str, int], Segment] = segment_parser(delimiters, repetition=version == "4")
        self.messages: list[Message] = []
        self.packages: list[Package] = []
        self.groups: list[str] = []
        self.seen_references: set[str] = set()

    def decode(self, raw: str, position: int, tag: str, reference: str | None) -> str:
        """Return a segment's text in Unicode, noting characters outside the set."""
        charset = self.charset
        if not raw.isascii():
            if charset.codec == "latin-1":
                pass
            elif charset.invalid is not None:
                pass  # left to the repertoire check below (the octet is outside ASCII anyway)
            else:
                try:
                    raw = raw.encode("latin-1").decode(charset.codec)
                except UnicodeDecodeError as exc:
                    octet = raw[exc.start]
                    self.findings.append(
                        SyntaxFinding(
                            code=SyntaxErrorCode.INVALID_CHARACTERS,
                            message=f"{tag} segment {position}: octet 0x{ord(octet):02X} is not valid "
                            f"{charset.codec.upper()} ({charset.syntax_id})",
                            segment_position=position,
                            segment_tag=tag,
                            message_reference=reference,
                        )
                    )
                    raw = raw.encode("latin-1").decode(charset.codec, "replace")
        if charset.invalid is not None:
            bad = charset.invalid.search(raw)
            if bad is not None:
                self._repertoire(raw, position, tag, reference)
        return raw

    def _repertoire(self, raw: str, position: int, tag: str, reference: str | None) -> None:
        charset = self.charset
        service = {
            self.delimiters.component,
            self.delimiters.element,
            self.delimiters.release,
            self.delimiters.repetition,
        }
        offending = sorted({c for c in charset.invalid.findall(raw) if c not in service} if charset.invalid else set())
        if not offending:
            return
        element = raw.count(self.delimiters.element, 0, raw.find(offending[0])) or None
        tolerated = charset.upper_only and all(c.islower() and c.isascii() for c in offending)
        self.findings.append(
            SyntaxFinding(
                code=SyntaxErrorCode.INVALID_CHARACTERS,
                message=f"{tag} segment {position}: {''.join(offending)!r} outside the {charset.syntax_id} repertoire"
                + (" (small letters, tolerated)" if tolerated else ""),
                segment_position=position,
                segment_tag=tag,
                element_position=element,
                message_reference=reference,
                fatal=not tolerated,
            )
        )

    def segment(self, raw: str, position: int, reference: str | None) -> Segment:
        tag = raw[:3]
        text = self.decode(raw, position, tag, reference)
        try:
            segment = self.parse(text, position)
        except SegmentTooLong as exc:
            raise _fail(
                f"{tag} segment {position}: {exc}", code=SyntaxErrorCode.TOO_MANY_CONSTITUENTS, tag=tag
            ) from None
        if _TAG.fullmatch(segment.tag) is None:
            shown = raw[:_SHOWN]
            raise _fail(
                f"segment {shown!r} has no valid tag: an unescaped "
                f"{self.delimiters.terminator!r} in the segment before it?",
                code=SyntaxErrorCode.INVALID_CHARACTERS,
            )
        return segment

    def finding(self, code: str, message: str, segment: Segment, **where: object) -> None:
        element = where.get("element")
        reference = where.get("reference")
        self.findings.append(
            SyntaxFinding(
                code=code,
                message=message,
                segment_position=segment.position,
                segment_tag=segment.tag,
                element_position=element if isinstance(element, int) else None,
                message_reference=reference if isinstance(reference, str) else None,
            )
        )

    def close_message(self, segments: list[Segment], trailer: Segment | None, group: str | None) -> None:
        header = segments[0]
        reference = header.element(0)
        if trailer is None:
            self.finding(
                SyntaxErrorCode.MISSING, f"UNT missing for message {reference}", segments[-1], reference=reference
            )
        else:
            self.findings.extend(
                check_count(trailer, actual=len(segments), what="UNT segment", message_reference=reference)
            )
            self.findings.extend(
                check_reference(
                    header,
                    trailer,
                    element_name="0062",
                    opening_value=reference,
                    closing_element=2,
                    message_reference=reference,
                )
            )
        self.messages.append(
            Message(
                reference=reference,
                type=header.element(1, 0),
                version=header.element(1, 1),
                release=header.element(1, 2),
                agency=header.element(1, 3),
                association_code=header.element(1, 4),
                segments=tuple(segments),
                group_reference=group,
            )
        )

    def open_message(self, header: Segment) -> None:
        reference = header.element(0)
        if not reference:
            self.findings.append(missing(header, 1, "0062 message reference"))
        elif len(reference) > MAX_REFERENCE_LENGTH:
            self.finding(
                SyntaxErrorCode.DATA_ELEMENT_TOO_LONG,
                f"UNH 0062 {reference!r} is longer than {MAX_REFERENCE_LENGTH}",
                header,
                element=1,
                reference=reference,
            )
        if reference and reference in self.seen_references:
            self.finding(
                SyntaxErrorCode.DUPLICATE, f"message reference {reference} used twice", header, reference=reference
            )
        self.seen_references.add(reference)
        for component, name in enumerate(("0065 message type", "0052 version", "0054 release", "0051 agency")):
            if not header.element(1, component):
                self.findings.append(
                    missing(header, 2, f"S009 {name}", component=component + 1, message_reference=reference or None)
                )


def _check_header(unb: Segment) -> list[SyntaxFinding]:
    findings = []
    for element, component, name in (
        (2, None, "S002 0004 sender"),
        (3, None, "S003 0010 recipient"),
        (4, 1, "S004 0017 date"),
        (4, 2, "S004 0019 time"),
        (5, None, "0020 control reference"),
    ):
        if not unb.element(element - 1, (component or 1) - 1):
            findings.append(missing(unb, element, name, component=component))
    reference = unb.element(4)
    if len(reference) > MAX_REFERENCE_LENGTH:
        findings.append(
            SyntaxFinding(
                code=SyntaxErrorCode.DATA_ELEMENT_TOO_LONG,
                message=f"UNB 0020 {reference!r} is longer than {MAX_REFERENCE_LENGTH}",
                segment_position=1,
                segment_tag="UNB",
                element_position=5,
            )
        )
    return findings


def _header_of(text: str, start: int, delimiters: Delimiters) -> Segment | None:
    """Return UNB from input that failed to split, when its first segment is one."""
    end = text.find(delimiters.terminator, start)
    if end < 0 or not text.startswith("UNB", start):
        return None
    try:
        return segment_parser(delimiters, repetition=False)(text[start:end], 1)
    except SegmentTooLong:
        return None


def parse_interchange(data: bytes, *, strict: bool = False) -> Interchange:
    """Read one interchange (UNA, UNB … UNZ) into segments, messages and packages.

    Messages keep their UNH and UNT segments; segment positions count from
    UNH = 1 within a message and from UNB = 1 for service segments outside
    messages. Components are unescaped; trailing empty elements and
    components are dropped.

    :param data: the interchange octets, in the character set its UNB names.
    :param strict: raise on any fatal finding instead of returning it.
    :return: the interchange; ``findings`` lists envelope and character problems.
    :raises EdifactSyntaxError: when the input cannot be read at all, or
        (``strict``) when a fatal finding is present; ``findings`` on the error
        lists them all.
    """
    text = bytes(data).decode("latin-1")
    delimiters, start = _service_string(text)
    try:
        items = _split(text, start, delimiters)
    except EdifactSyntaxError as exc:
        exc.header = _header_of(text, start, delimiters)
        raise
    if not items or not isinstance(items[0], str) or not items[0].startswith("UNB"):
        raise _fail("no UNB segment", code=SyntaxErrorCode.MISSING, tag="UNB")
    # The header is read before its character set is known; its syntax identifier is ASCII.
    unb = segment_parser(delimiters, repetition=False)(items[0], 1)
    syntax_id, version = unb.element(0, 0), unb.element(0, 1)
    charset = charset_for(syntax_id)
    if charset is None:
        error = _fail(
            f"unknown character set (syntax identifier) {syntax_id!r} in UNB",
            code=SyntaxErrorCode.SYNTAX_VERSION_NOT_SUPPORTED,
            tag="UNB",
        )
        error.header = unb
        raise error
    if delimiters is ISO_IS_DELIMITERS and syntax_id != "UNOB":
        delimiters = Delimiters()  # IS separators are UNOB's default only; never reached by real input
    reader = _Reader(delimiters, charset, version if version == "4" else "3")
    if version not in _SUPPORTED_VERSIONS:
        reader.finding(
            SyntaxErrorCode.SYNTAX_VERSION_NOT_SUPPORTED,
            f"syntax version {version!r} is not supported (1 to 4)",
            unb,
            element=1,
        )
    unb = reader.segment(items[0], 1, None)
    reader.findings.extend(_check_header(unb))
    try:
        unz = _read_body(reader, items)
        if unz is None:
            raise _fail("truncated interchange: no UNZ segment", code=SyntaxErrorCode.MISSING, tag="UNZ")
    except EdifactSyntaxError as exc:
        exc.header = unb
        raise
    _check_trailer(reader, unb, unz)
    interchange = Interchange(
        syntax_id=syntax_id,
        syntax_version=version,
        sender=unb.elements[1] if len(unb.elements) > 1 else (),
        recipient=unb.elements[2] if len(unb.elements) > 2 else (),
        prepared=unb.elements[3] if len(unb.elements) > 3 else (),
        control_reference=unb.element(4),
        messages=tuple(reader.messages),
        delimiters=delimiters,
        header=unb,
        packages=tuple(reader.packages),
        findings=tuple(reader.findings),
    )
    if strict:
        fatal = tuple(f for f in interchange.findings if f.fatal)
        if fatal:
            shown = "; ".join(f"{f.message} [{f.code}]" for f in fatal[:5])
            more = f" (+{len(fatal) - 5} more)" if len(fatal) > 5 else ""
            raise EdifactSyntaxError(
                f"interchange {interchange.control_reference or '?'} rejected: {shown}{more}", interchange.findings
            )
    return interchange


def _read_body(reader: _Reader, items: list[str | _RawPackage]) -> Segment | None:
    """Read everything after UNB; return UNZ (``None`` when absent)."""
    message: list[Segment] | None = None
    reference: str | None = None
    group: Segment | None = None
    group_messages = 0
    unz: Segment | None = None
    position = 1  # interchange-level position of service segments (UNB = 1)
    for item in items[1:]:
        position += 1
        if isinstance(item, _RawPackage):
            if message is not None:
                reader.close_message(message, None, group.element(4) if group else None)
                message = None
            header = reader.segment(item.header, position, None)
            reader.packages.append(Package(header.element(0), item.content, header, position))
            continue
        tag = item[:3]
        if message is not None:
            if tag in ("UNH", "UNZ", "UNG", "UNE", "UNB"):
                reader.close_message(message, None, group.element(4) if group else None)
                message = None
            else:
                segment = reader.segment(item, len(message) + 1, reference)
                message.append(segment)
                if tag == "UNT":
                    reader.close_message(message, segment, group.element(4) if group else None)
                    message = None
                continue
        if tag == "UNH" and unz is None:
            header = reader.segment(item, 1, None)
            reference = header.element(0)
            reader.open_message(header)
            message = [header]
            if group is not None:
                group_messages += 1
            continue
        segment = reader.segment(item, position, None)
        tag = segment.tag
        if unz is not None:
            reader.finding(SyntaxErrorCode.NOT_SUPPORTED_IN_POSITION, f"{tag} segment after UNZ", segment)
        elif tag == "UNG":
            if group is not None:
                reader.finding(SyntaxErrorCode.MISSING, f"UNE missing for group {group.element(4)}", segment)
            group, group_messages = segment, 0
            reader.groups.append(segment.element(4))
            if not segment.element(4):
                reader.findings.append(missing(segment, 5, "0048 group reference"))
        elif tag == "UNE":
            if group is None:
                reader.finding(SyntaxErrorCode.NOT_SUPPORTED_IN_POSITION, "UNE without UNG", segment)
            else:
                reader.findings.extend(check_count(segment, actual=group_messages, what="UNE message"))
                reader.findings.extend(
                    check_reference(
                        group, segment, element_name="0048", opening_value=group.element(4), closing_element=2
                    )
                )
                group = None
        elif tag == "UNP":
            _check_package_trailer(reader, segment)
        elif tag == "UNZ":
            if group is not None:
                reader.finding(SyntaxErrorCode.MISSING, f"UNE missing for group {group.element(4)}", segment)
            unz = segment
        else:
            reader.finding(
                SyntaxErrorCode.NOT_SUPPORTED_IN_POSITION, f"{tag} segment {position} outside a message", segment
            )
    if message is not None:
        reader.close_message(message, None, group.element(4) if group else None)
    return unz


def _check_package_trailer(reader: _Reader, unp: Segment) -> None:
    if not reader.packages:
        reader.finding(SyntaxErrorCode.NOT_SUPPORTED_IN_POSITION, "UNP without UNO", unp)
        return
    package = reader.packages[-1]
    reader.findings.extend(check_count(unp, actual=len(package.content), what="UNP octet"))
    reader.findings.extend(
        check_reference(package.header, unp, element_name="0800", opening_value=package.reference, closing_element=2)
    )


def _check_trailer(reader: _Reader, unb: Segment, unz: Segment) -> None:
    if reader.groups:
        actual: tuple[int, ...] = (len(reader.groups),)
    else:
        # Syntax 4 counts messages and packages; the CEN examples (and many
        # senders) count messages only, so both are accepted.
        actual = (len(reader.messages), len(reader.messages) + len(reader.packages))
    reader.findings.extend(check_count(unz, actual=actual, what="UNZ interchange"))
    reader.findings.extend(
        check_reference(unb, unz, element_name="0020", opening_value=unb.element(4), closing_element=2)
    )
    if not reader.messages and not reader.packages:
        reader.finding(SyntaxErrorCode.LOWER_LEVEL_EMPTY, "interchange holds no message", unz)
