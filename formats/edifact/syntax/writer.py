"""Write an EDIFACT interchange: messages → bytes, with escaping, counts and trailers computed.

How messages are passed: each is a :class:`~formats.edifact.segments.Message`.
Its ``segments`` may be

* the body only (no UNH, no UNT): the writer adds UNH from the message's
  fields (reference, type, version, release, agency, association code) and
  UNT with the segment count; or
* complete (starting with UNH): the UNH is written as given (so S010 and
  other optional elements survive) and the UNT is recomputed, whatever the
  given one said.

:func:`build_message` makes the first form in one call. UNB, UNZ and the UNA
are always written by :func:`write_interchange`; control counts are never
taken from the input.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal

from formats.edifact.segments import Delimiters, Message, Package, Segment, SyntaxFinding
from formats.edifact.syntax.charsets import Charset, charset_for, transliterate
from formats.edifact.syntax.codes import SyntaxErrorCode
from formats.errors import ConfigError, NotRepresentable

__all__ = ["RenderedInterchange", "build_message", "render_interchange", "write_interchange"]

Unrepresentable = Literal["transliterate", "refuse"]


@dataclass(frozen=True, slots=True)
class RenderedInterchange:
    """The octets written and what had to be changed to write them."""

    data: bytes
    findings: tuple[SyntaxFinding, ...] = ()
    """One non-fatal code-37 finding per segment whose text was transliterated."""


def build_message(
    message_type: str,
    segments: Iterable[Segment],
    *,
    reference: str,
    version: str = "D",
    release: str,
    agency: str = "UN",
    association_code: str = "",
) -> Message:
    """Return a message of body ``segments``; the writer adds its UNH and UNT."""
    return Message(
        reference=reference,
        type=message_type,
        version=version,
        release=release,
        agency=agency,
        association_code=association_code,
        segments=tuple(segments),
    )


class _Renderer:
    def __init__(self, delimiters: Delimiters, charset: Charset, version: str, policy: Unrepresentable) -> None:
        self.delimiters = delimiters
        self.charset = charset
        self.policy = policy
        self.findings: list[SyntaxFinding] = []
        specials = [delimiters.component, delimiters.element, delimiters.release, delimiters.terminator]
        if version == "4" and delimiters.repetition:
            specials.append(delimiters.repetition)
        self.escape_table = str.maketrans({c: delimiters.release + c for c in specials if c})
        self.specials = re.compile("[" + re.escape("".join(c for c in specials if c)) + "]")
        self.repetition = delimiters.repetition if version == "4" else ""

    def _text(self, value: str, segment: Segment, index: int) -> str:
        where = f" element {index + 1}"
        if self.charset.can_hold(value):
            return value
        if self.policy == "refuse":
            bad = sorted({c for c in value if not self.charset.can_hold(c)})
            raise NotRepresentable(
                f"{segment.tag} segment{where}: {''.join(bad)!r} cannot be written in {self.charset.syntax_id}",
                path=f"{segment.tag}{where}",
            )
        changed = transliterate(value, self.charset)
        self.findings.append(
            SyntaxFinding(
                code=SyntaxErrorCode.INVALID_CHARACTERS,
                message=f"{segment.tag}{where}: {value!r} written as {changed!r} in {self.charset.syntax_id}",
                segment_position=segment.position or None,
                segment_tag=segment.tag,
                element_position=index + 1,
                fatal=False,
            )
        )
        return changed

    def _element(self, components: tuple[str, ...], segment: Segment, index: int) -> str:
        parts = [
            self._text(c, segment, index).translate(self.escape_table)
            if c and (not c.isascii() or self.specials.search(c) or self.charset.invalid is not None)
            else c
            for c in components
        ]
        while parts and parts[-1] == "":
            parts.pop()
        return self.delimiters.component.join(parts)

    def segment(self, segment: Segment) -> str:
        fields = [segment.tag]
        repeats = dict(segment.repetitions)
        if repeats and not self.repetition:
            raise NotRepresentable(f"{segment.tag}: repeated data elements need syntax version 4")
        for index, components in enumerate(segment.elements):
            text = self._element(components, segment, index)
            for extra in repeats.get(index, ()):
                text += self.repetition + self._element(extra, segment, index)
            fields.append(text)
        while len(fields) > 1 and fields[-1] == "":
            fields.pop()
        return self.delimiters.element.join(fields) + self.delimiters.terminator


def _message_segments(message: Message) -> list[Segment]:
    body = list(message.segments)
    if body and body[0].tag == "UNH":
        header = body.pop(0)
    else:
        identifier = (message.type, message.version, message.release, message.agency, message.association_code)
        header = Segment("UNH", ((message.reference,), identifier))
    if body and body[-1].tag == "UNT":
        body.pop()
    count = len(body) + 2
    return [header, *body, Segment("UNT", ((str(count),), (message.reference,)))]


def _party(value: str | Sequence[str]) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


def _prepared(prepared: datetime | tuple[str, str] | None, version: str) -> tuple[str, str]:
    if isinstance(prepared, tuple):
        return prepared
    moment = prepared or datetime.now(UTC)
    # Syntax 4 dates are CCYYMMDD, syntax 3 YYMMDD (UNB S004 0017).
    return moment.strftime("%Y%m%d" if version == "4" else "%y%m%d"), moment.strftime("%H%M")


def render_interchange(
    messages: Iterable[Message],
    *,
    sender: str | Sequence[str],
    recipient: str | Sequence[str],
    control_reference: str,
    syntax_id: str = "UNOW",
    syntax_version: str = "4",
    delimiters: Delimiters = Delimiters(),  # noqa: B008 - frozen, so one shared default is safe
    prepared: datetime | tuple[str, str] | None = None,
    packages: Iterable[Package] = (),
    una: bool = True,
    application_reference: str = "",
    test: bool = False,
    on_unrepresentable: Unrepresentable = "transliterate",
    newlines: bool = False,
) -> RenderedInterchange:
    """Write an interchange and report the characters that had to be transliterated.

    Arguments as :func:`write_interchange`.
    """
    charset = charset_for(syntax_id)
    if charset is None:
        raise ConfigError(f"unknown EDIFACT syntax identifier {syntax_id!r}")
    if syntax_version not in ("3", "4"):
        raise ConfigError(f"EDIFACT syntax version {syntax_version!r}: we write 3 or 4")
    if not delimiters.release:
        raise ConfigError("an EDIFACT writer needs a release character")
    packages = tuple(packages)
    if packages and syntax_version != "4":
        raise NotRepresentable("UNO/UNP packages need syntax version 4")
    renderer = _Renderer(delimiters, charset, syntax_version, on_unrepresentable)
    out: list[str] = []
    if una:
        repetition = delimiters.repetition if syntax_version == "4" and delimiters.repetition else " "
        out.append(
            "UNA"
            + delimiters.component
            + delimiters.element
            + delimiters.decimal
            + delimiters.release
            + repetition
            + delimiters.terminator
        )
    date, time = _prepared(prepared, syntax_version)
    unb_elements: list[tuple[str, ...]] = [
        (syntax_id, syntax_version),
        _party(sender),
        _party(recipient),
        (date, time),
        (control_reference,),
    ]
    if application_reference or test:
        unb_elements += [("",), ("",), (application_reference,), ("",), ("",), ("1" if test else "",)]
    out.append(renderer.segment(Segment("UNB", tuple(unb_elements), 1)))
    count = 0
    chunks: list[bytes] = []
    for message in messages:
        count += 1
        for position, segment in enumerate(_message_segments(message), start=1):
            if segment.position != position:
                segment = Segment(segment.tag, segment.elements, position, segment.repetitions)
            out.append(renderer.segment(segment))
    separator = "\n" if newlines else ""
    encoded = separator.join(out).encode(charset.codec) + separator.encode()
    chunks.append(encoded)
    for package in packages:
        count += 1
        header = list(package.header.elements) if package.header.elements else []
        while len(header) < 4:
            header.append(("",))
        header[0] = (package.reference,)
        header[3] = (str(len(package.content)), *header[3][1:])
        unp = Segment("UNP", ((str(len(package.content)),), (package.reference,)))
        chunks.append(renderer.segment(Segment("UNO", tuple(header))).encode(charset.codec))
        chunks.append(package.content)
        chunks.append((renderer.segment(unp) + separator).encode(charset.codec))
    unz = Segment("UNZ", ((str(count),), (control_reference,)))
    chunks.append((renderer.segment(unz) + separator).encode(charset.codec))
    return RenderedInterchange(b"".join(chunks), tuple(renderer.findings))


def write_interchange(
    messages: Iterable[Message],
    *,
    sender: str | Sequence[str],
    recipient: str | Sequence[str],
    control_reference: str,
    syntax_id: str = "UNOW",
    syntax_version: str = "4",
    delimiters: Delimiters = Delimiters(),  # noqa: B008 - frozen, so one shared default is safe
    prepared: datetime | tuple[str, str] | None = None,
    packages: Iterable[Package] = (),
    una: bool = True,
    application_reference: str = "",
    test: bool = False,
    on_unrepresentable: Unrepresentable = "transliterate",
    newlines: bool = False,
) -> bytes:
    """Write messages as one interchange (UNA, UNB, messages, packages, UNZ).

    :param messages: see the module docstring: body-only segments get UNH/UNT
        added; complete ones keep their UNH and get a recomputed UNT.
    :param sender: UNB S002, an identifier or (identifier, code qualifier, …).
    :param recipient: UNB S003, likewise.
    :param control_reference: UNB/UNZ 0020 (see :mod:`formats.edifact.control_numbers`).
    :param syntax_id: UNOA, UNOB, UNOC, UNOW, UNOY…; the octets are in its codec.
    :param syntax_version: ``"3"`` or ``"4"``; version 3 writes no repetition separator.
    :param prepared: UNB S004, a datetime or (date, time) strings; now (UTC) by default.
    :param packages: UNO/UNP binary objects written after the messages (syntax 4).
    :param una: write the UNA service string advice.
    :param application_reference: UNB 0026, when the partner wants one.
    :param test: set UNB 0035 test indicator to 1.
    :param on_unrepresentable: ``"transliterate"`` (é → e, E in UNOA) or ``"refuse"``.
    :param newlines: put a line feed after each segment (readers skip it).
    :return: the interchange octets; :func:`render_interchange` also returns the transliterations.
    :raises NotRepresentable: a character the set cannot hold with ``"refuse"``, or packages in syntax 3.
    :raises ConfigError: an unknown syntax identifier or version.
    """
    return render_interchange(
        messages,
        sender=sender,
        recipient=recipient,
        control_reference=control_reference,
        syntax_id=syntax_id,
        syntax_version=syntax_version,
        delimiters=delimiters,
        prepared=prepared,
        packages=packages,
        una=una,
        application_reference=application_reference,
        test=test,
        on_unrepresentable=on_unrepresentable,
        newlines=newlines,
    ).data
