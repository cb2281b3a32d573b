"""The slice of MIME (RFC 2045/2046) that AS2 needs, on bytes, keeping what was received.

The standard library's :mod:`email` re-serialises headers (folding, quoting,
line endings) when a message is written back, and any such change breaks a
signature or a MIC computed over the entity (the first interop failure cause in
the field notes). So an entity keeps its header block exactly as received
(:attr:`MimeEntity.head`), and multipart bodies are split on raw bytes.

Header folding is undone on input (RFC 5322 §2.2.3 unfolding); on output it is
a per-partner choice (:func:`make_entity` ``fold``).
"""

from __future__ import annotations

import base64
import binascii
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from gateway.transports.as2.errors import MalformedMessage

__all__ = [
    "ContentType",
    "Header",
    "MimeEntity",
    "canonicalize",
    "decode_body",
    "header_value",
    "make_entity",
    "parse_content_type",
    "parse_entity",
    "parse_fields",
    "entity_from_http",
    "split_multipart",
    "unfold",
]

Header = tuple[str, str]

_EMPTY: Mapping[str, str] = MappingProxyType({})
_FOLD_AT = 76


@dataclass(frozen=True, slots=True)
class ContentType:
    """A parsed Content-Type: lower-cased type and parameters (names lower-cased)."""

    mime_type: str
    params: Mapping[str, str] = field(default_factory=lambda: _EMPTY)

    def param(self, name: str) -> str | None:
        """Return parameter ``name`` (case-insensitive), or ``None``."""
        return self.params.get(name.lower())


@dataclass(frozen=True, slots=True)
class MimeEntity:
    """One MIME entity: its header block byte for byte, the parsed headers, and the body."""

    head: bytes
    """The header block as received or serialised, with the empty line that ends it."""
    headers: tuple[Header, ...]
    """Unfolded ``(name, value)`` pairs, in order."""
    body: bytes

    def get(self, name: str) -> str | None:
        """Return the first header ``name`` (case-insensitive), or ``None``."""
        return header_value(self.headers, name)

    @property
    def content_type(self) -> ContentType:
        """The parsed Content-Type; ``text/plain`` when absent (RFC 2045 §5.2)."""
        return parse_content_type(self.get("Content-Type") or "text/plain")

    def to_bytes(self) -> bytes:
        """Return the entity exactly as it was received or built."""
        return self.head + self.body


def header_value(headers: Sequence[Header], name: str) -> str | None:
    """Return the first value of header ``name`` in ``headers`` (case-insensitive)."""
    wanted = name.lower()
    for key, value in headers:
        if key.lower() == wanted:
            return value
    return None


def unfold(value: str) -> str:
    """Undo header folding: drop line breaks that precede whitespace (RFC 5322 §2.2.3)."""
    return re.sub(r"\r?\n(?=[ \t])", "", value).strip()


def _fold(name: str, value: str) -> str:
    # Break only after a ';' or ',' so that no token or quoted string is split.
    line = f"{name}: {value}"
    if len(line) <= _FOLD_AT:
        return line
    pieces = re.split(r"(?<=[;,]) ", line)
    out, current = [], pieces[0]
    for piece in pieces[1:]:
        if len(current) + 1 + len(piece) > _FOLD_AT:
            out.append(current)
            current = " " + piece
        else:
            current += " " + piece
    out.append(current)
    return "\r\n".join(out)


def make_entity(headers: Sequence[Header], body: bytes, *, fold: bool = False) -> MimeEntity:
    """Build an entity with CRLF header lines, folded past 76 characters when ``fold``."""
    lines = [_fold(name, value) if fold else f"{name}: {value}" for name, value in headers]
    head = ("\r\n".join(lines) + "\r\n\r\n").encode("ascii")
    return MimeEntity(head=head, headers=tuple(headers), body=body)


def parse_fields(head: bytes) -> tuple[Header, ...]:
    """Parse a block of header lines (unfolded); also the RFC 3798 notification fields.

    :raises MalformedMessage: a line without a colon.
    """
    text = head.decode("latin-1")
    headers: list[Header] = []
    for raw in re.split(r"\r?\n(?![ \t])", text):
        if not raw.strip():
            continue
        name, sep, value = raw.partition(":")
        if not sep or not name.strip() or name != name.strip():
            raise MalformedMessage(f"malformed MIME header line {raw[:60]!r}")
        headers.append((name, unfold(value)))
    return tuple(headers)


def parse_entity(raw: bytes) -> MimeEntity:
    """Split ``raw`` into header block and body, unfolding headers.

    :raises MalformedMessage: a header line without a colon, or no header/body separator.
    """
    match = re.search(rb"\r?\n\r?\n", raw)
    if raw.startswith((b"\r\n", b"\n")):
        end = 2 if raw.startswith(b"\r\n") else 1
        return MimeEntity(head=raw[:end], headers=(), body=raw[end:])
    if match is None:
        raise MalformedMessage("MIME entity without the empty line that ends its headers")
    head = raw[: match.end()]
    return MimeEntity(head=head, headers=parse_fields(raw[: match.start()]), body=raw[match.end() :])


def _parse_params(rest: str) -> dict[str, str]:
    params: dict[str, str] = {}
    pos = 0
    while pos < len(rest):
        match = re.match(r'\s*;?\s*([^=;\s]+)\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)', rest[pos:])
        if match is None:
            break
        value = match.group(2).strip()
        if value.startswith('"'):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        params[match.group(1).lower()] = value
        pos += match.end()
    return params


def parse_content_type(value: str) -> ContentType:
    """Parse a Content-Type value; parameters may be quoted and in any order."""
    mime_type, _, rest = unfold(value).partition(";")
    return ContentType(mime_type.strip().lower(), MappingProxyType(_parse_params(rest)))


def split_multipart(body: bytes, boundary: str) -> list[bytes]:
    """Return the body parts of a multipart body, byte for byte (RFC 2046 §5.1.1).

    The line break before each delimiter belongs to the delimiter, not to the
    part: the usual MIC pitfall (the field notes' libas2 bug).

    :raises MalformedMessage: the boundary never occurs, or the closing delimiter is missing.
    """
    delimiter = b"--" + boundary.encode("latin-1")
    marks = _delimiters(body, delimiter)
    if not marks:
        raise MalformedMessage(f"multipart boundary {boundary!r} not found in the body")
    parts = []
    for (_, end, closing), (start, _, _) in itertools.pairwise(marks):
        if closing:
            break
        parts.append(body[end:start])
    if not any(closing for _, _, closing in marks[1:]):
        raise MalformedMessage(f"multipart body without its closing delimiter --{boundary}--")
    return parts


def _delimiters(body: bytes, delimiter: bytes) -> list[tuple[int, int, bool]]:
    """Find each delimiter line: (start of its leading line break, end of the line, closing?).

    A delimiter counts at the start of the body or right after a line break, and
    only when the rest of its line is ``--``, spaces or tabs (RFC 2046 §5.1.1).
    Plain ``bytes.find``: a regular expression built from the boundary would be
    compiled anew for every message, since every message has its own boundary.
    """
    marks: list[tuple[int, int, bool]] = []
    size = len(body)
    position = 0
    while (index := body.find(delimiter, position)) >= 0:
        position = index + 1
        if index == 0:
            start = 0
        elif body[index - 1] == 0x0A:  # \n
            start = index - 2 if index >= 2 and body[index - 2] == 0x0D else index - 1
        else:
            continue
        after = index + len(delimiter)
        closing = body.startswith(b"--", after)
        cursor = after + 2 if closing else after
        while cursor < size and body[cursor] in (0x20, 0x09):
            cursor += 1
        if cursor == size:
            end = cursor
        elif body.startswith(b"\r\n", cursor):
            end = cursor + 2
        elif body[cursor] == 0x0A:
            end = cursor + 1
        else:
            continue  # the boundary text inside a longer line: not a delimiter
        if marks:
            start = max(start, marks[-1][1])
        marks.append((start, end, closing))
        position = end
    return marks


def canonicalize(raw: bytes, *, as_binary: bool) -> bytes:
    """Return the canonical form of an entity for signing or MIC (RFC 5751 §3.1.1).

    Header lines always end in CRLF. The body is converted LF → CRLF unless it is
    binary (``Content-Transfer-Encoding: binary``) or the partner's profile says
    to treat every body as binary (pyas2lib's ``canonicalize_as_binary``, needed
    for IBM Sterling's compressed parts that carry no transfer encoding).
    """
    entity = parse_entity(raw)
    head = _crlf(entity.head)
    encoding = (entity.get("Content-Transfer-Encoding") or "").strip().lower()
    if as_binary or encoding == "binary":
        return head + entity.body
    return head + _crlf(entity.body)


def _crlf(data: bytes) -> bytes:
    return data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def decode_body(entity: MimeEntity) -> bytes:
    """Return the body with its Content-Transfer-Encoding undone.

    :raises MalformedMessage: invalid base64 or an unknown encoding.
    """
    encoding = (entity.get("Content-Transfer-Encoding") or "binary").strip().lower()
    if encoding in ("binary", "8bit", "7bit"):
        return entity.body
    if encoding == "base64":
        try:
            return base64.b64decode(re.sub(rb"\s+", b"", entity.body), validate=True)
        except binascii.Error as exc:
            raise MalformedMessage("invalid base64 body") from exc
    if encoding == "quoted-printable":
        return binascii.a2b_qp(entity.body)
    raise MalformedMessage(f"unknown Content-Transfer-Encoding {encoding!r}")


_ENTITY_HEADERS = ("Content-Type", "Content-Transfer-Encoding", "Content-Disposition")


def entity_from_http(headers: Sequence[Header], body: bytes) -> MimeEntity:
    """Rebuild the top-level MIME entity of an AS2 request from its HTTP headers and body.

    Over HTTP the outermost entity's headers travel as HTTP headers (RFC 4130
    §5.2). Only the content headers are kept, in a fixed order, the order our
    builder writes them in (an unsigned, unencrypted payload's MIC covers them).

    :raises MalformedMessage: no Content-Type.
    """
    kept = [(name, value) for name in _ENTITY_HEADERS if (value := header_value(headers, name)) is not None]
    if header_value(kept, "Content-Type") is None:
        raise MalformedMessage("AS2 request without a Content-Type header")
    return make_entity(kept, body)
