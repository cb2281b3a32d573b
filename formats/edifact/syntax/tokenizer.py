"""Split EDIFACT text into segments, data elements and components (ISO 9735-1 §7, §8).

The reader decodes the whole interchange as ISO 8859-1 first, so one character
is one octet (UNO packages are then cut by their length in octets) and every
service character is ASCII in all supported sets. Splitting uses ``str.split``
and mends the rare pieces that end in an odd run of release characters, which
is several times faster than walking the text character by character.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from formats.edifact.segments import Delimiters, Segment

__all__ = [
    "ISO_IS_DELIMITERS",
    "MAX_ELEMENTS",
    "SegmentTooLong",
    "delimiters_from_una",
    "split_escaped",
    "segment_parser",
]

MAX_ELEMENTS = 10_000
"""More data elements than this in one segment is never a real segment (it is refused)."""

ISO_IS_DELIMITERS = Delimiters(component="\x1f", element="\x1d", release="", repetition="\x19", terminator="\x1c")
"""The default service characters of UNOB without UNA (IS1..IS4, ISO 9735-1 §6.2)."""


class SegmentTooLong(ValueError):
    """A segment has more than :data:`MAX_ELEMENTS` data elements."""


def delimiters_from_una(una: str) -> Delimiters:
    """Return the delimiters a ``UNA`` service string advice announces.

    :param una: the nine characters ``UNA:+.? '``.
    :raises ValueError: when it is short or a service character is repeated or alphanumeric.
    """
    if len(una) < 9 or not una.startswith("UNA"):
        raise ValueError("UNA service string advice is shorter than 9 characters")
    component, element, decimal, release, repetition, terminator = (una[i] for i in range(3, 9))
    # A space in the release or repetition position means "not used" (the repetition
    # position is reserved in syntax 3 and conventionally a space).
    release = "" if release == " " else release
    repetition = "" if repetition == " " else repetition
    used = [c for c in (component, element, release, repetition, terminator) if c]
    if len(set(used)) != len(used):
        raise ValueError(f"UNA service string advice repeats a service character: {una[:9]!r}")
    if any(c.isalnum() for c in used):
        raise ValueError(f"UNA service string advice uses a letter or digit as a service character: {una[:9]!r}")
    return Delimiters(
        component=component,
        element=element,
        decimal=decimal,
        release=release,
        repetition=repetition,
        terminator=terminator,
    )


def _odd_release_run(piece: str, release: str) -> bool:
    count = len(piece) - len(piece.rstrip(release))
    return count % 2 == 1


def split_escaped(text: str, separator: str, release: str) -> list[str]:
    """Split ``text`` on ``separator`` except where a release character escapes it (escapes kept)."""
    parts = text.split(separator)
    if not release or release not in text:
        return parts
    out: list[str] = []
    pending: str | None = None
    for part in parts:
        if pending is not None:
            part = pending + separator + part
            pending = None
        if part.endswith(release) and _odd_release_run(part, release):
            pending = part
        else:
            out.append(part)
    if pending is not None:
        out.append(pending)
    return out


def segment_parser(delimiters: Delimiters, *, repetition: bool) -> Callable[[str, int], Segment]:
    """Return a function turning one segment's text (without terminator) into a :class:`Segment`.

    :param repetition: whether the repetition separator is in force (syntax 4).
    :raises SegmentTooLong: from the returned function, for a segment over :data:`MAX_ELEMENTS` elements.
    """
    element_sep = delimiters.element
    component_sep = delimiters.component
    release = delimiters.release
    repeat_sep = delimiters.repetition if repetition else ""
    unescape_re = re.compile(re.escape(release) + "(.)", re.DOTALL) if release else None

    def unescape(value: str) -> str:
        if unescape_re is not None and release in value:
            return unescape_re.sub(r"\1", value)
        return value

    def components_plain(raw: str) -> tuple[str, ...]:
        raw = raw.rstrip(component_sep)
        return tuple(raw.split(component_sep)) if component_sep in raw else (raw,)

    def components_escaped(raw: str) -> tuple[str, ...]:
        parts = split_escaped(raw, component_sep, release)
        while len(parts) > 1 and parts[-1] == "":
            parts.pop()
        return tuple(unescape(p) for p in parts)

    def parse(text: str, position: int) -> Segment:
        escaped = bool(release) and release in text
        raw_elements = split_escaped(text, element_sep, release) if escaped else text.split(element_sep)
        if len(raw_elements) > MAX_ELEMENTS + 1:
            raise SegmentTooLong(f"{len(raw_elements) - 1} data elements (at most {MAX_ELEMENTS})")
        tag = unescape(raw_elements[0]) if escaped else raw_elements[0]
        split = components_escaped if escaped else components_plain
        repeated = bool(repeat_sep) and repeat_sep in text
        elements: list[tuple[str, ...]] = []
        repetitions: list[tuple[int, tuple[tuple[str, ...], ...]]] = []
        for index, raw in enumerate(raw_elements[1:]):
            if repeated and repeat_sep in raw:
                occurrences = split_escaped(raw, repeat_sep, release) if escaped else raw.split(repeat_sep)
                if len(occurrences) > 1:
                    repetitions.append((index, tuple(split(o) for o in occurrences[1:])))
                raw = occurrences[0]
            elements.append(split(raw))
        # Trailing empty elements carry nothing (ISO 9735-1 §7.1: they should not be sent at all).
        while elements and elements[-1] == ("",) and not (repetitions and repetitions[-1][0] == len(elements) - 1):
            elements.pop()
        return Segment(tag, tuple(elements), position, tuple(repetitions))

    return parse
