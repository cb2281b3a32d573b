"""Decode a PDF stream without letting a small stream inflate into a huge one.

qpdf (under pikepdf) decodes a stream completely into memory and offers no cap,
so a 200 KB Flate stream of zeros would become 200 MB before we could look at
it. Every stream is therefore bounded *before* qpdf decodes it:

* the worst-case expansion of each filter in the chain, times the raw length,
  must stay under the cap; then qpdf's decoded output is bounded too;
* otherwise a single ``/FlateDecode`` (by far the usual filter for embedded
  files and XMP) is first inflated here piecewise with :mod:`zlib`, counting and
  discarding the output, which stops at the cap with memory held to one piece;
  only a stream found within the cap is then decoded by qpdf;
* any other chain whose bound exceeds the cap is refused.

Residual risk, documented rather than hidden: qpdf decodes object streams and
cross-reference streams itself while opening the file (those cannot be capped
from Python), and the refusal of large non-Flate chains may refuse a legitimate
but odd file (e.g. ``[/ASCII85Decode /FlateDecode]`` over ~25 KB raw).
"""

from __future__ import annotations

import math
import re
import zlib

import pikepdf

from formats.errors import FormatError, InputTooLarge, ParseError

__all__ = ["first_line", "read_stream_capped"]

#: Largest output per input byte of each filter (short names included).
#: Flate: deflate's maximum ratio is 1032:1; ASCII85: ``z`` stands for 4 bytes;
#: RunLength: 2 bytes repeat one byte up to 128 times; LZW: one 9-bit code can
#: stand for up to 4096 bytes (the table size).
_EXPANSION = {
    "/FlateDecode": 1032,
    "/Fl": 1032,
    "/ASCIIHexDecode": 1,
    "/AHx": 1,
    "/ASCII85Decode": 4,
    "/A85": 4,
    "/RunLengthDecode": 64,
    "/RL": 64,
    "/LZWDecode": 4096,
    "/LZW": 4096,
    "/Crypt": 1,
}
_FLATE = frozenset({"/FlateDecode", "/Fl"})
#: Inflate this much at a time when measuring a stream that could exceed the cap.
_PIECE = 1024 * 1024
#: qpdf names an in-memory input ``stream <_io.BytesIO object at 0x…>``: noise in a message.
_STREAM_PREFIX = re.compile(r"^stream <[^>]*>(?: \([^)]*\))?:\s*")


def _filters(stream: pikepdf.Stream) -> list[str]:
    value = stream.stream_dict.get("/Filter")
    if value is None:
        return []
    if isinstance(value, pikepdf.Name):
        return [str(value)]
    if isinstance(value, pikepdf.Array):
        return [str(item) for item in value if isinstance(item, pikepdf.Name)]
    return []


def read_stream_capped(stream: pikepdf.Stream, *, cap: int, what: str, source: str | None = None) -> bytes:
    """Return the decoded data of ``stream``, refusing anything over ``cap`` bytes.

    :param stream: the PDF stream (embedded file or XMP metadata).
    :param cap: the largest decoded size accepted.
    :param what: names the stream in messages (e.g. ``embedded file factur-x.xml``).
    :param source: the PDF's file name, for messages.
    :raises InputTooLarge: the stream decodes (or could decode) to more than ``cap``.
    :raises ParseError: the stream uses a filter that cannot carry XML, or is corrupt.
    """
    try:
        return _read(stream, cap=cap, what=what)
    except FormatError as exc:
        exc.path = exc.path or source
        raise


def _read(stream: pikepdf.Stream, *, cap: int, what: str) -> bytes:
    raw = stream.read_raw_bytes()
    filters = _filters(stream)
    if not filters:
        return _checked(raw, cap, what)
    unknown = [name for name in filters if name not in _EXPANSION]
    if unknown:
        raise ParseError(f"{what}: unsupported stream filter {', '.join(unknown)}")
    bound = len(raw) * math.prod(_EXPANSION[name] for name in filters)
    if bound <= cap:
        return _checked(_decode(stream, what), cap, what)
    if len(filters) != 1 or filters[0] not in _FLATE:
        raise InputTooLarge(
            f"{what}: cannot bound the decoded size of a {len(raw):,}-byte stream with filters "
            f"{' '.join(filters)} under the {cap:,}-byte limit"
        )
    _measure_inflated(raw, cap=cap, what=what)
    # Bounded now (a predictor never lengthens the inflated data): let qpdf decode.
    return _checked(_decode(stream, what), cap, what)


def _measure_inflated(raw: bytes, *, cap: int, what: str) -> None:
    """Inflate ``raw`` piecewise, keeping nothing, and refuse it past ``cap`` bytes.

    Memory stays at one piece whatever the stream inflates to. Damaged data ends the
    count early: qpdf keeps only what inflates before the damage, so the count still
    bounds what qpdf will produce.
    """
    inflater = zlib.decompressobj()
    total = 0
    pending = raw
    try:
        while pending and not inflater.eof:
            total += len(inflater.decompress(pending, _PIECE))
            if total > cap:
                raise InputTooLarge(f"{what}: decodes to more than the {cap:,}-byte limit")
            pending = inflater.unconsumed_tail
        total += len(inflater.flush())  # at most one window (32 KB) is left inside zlib
    except zlib.error:
        return
    if total > cap:
        raise InputTooLarge(f"{what}: decodes to more than the {cap:,}-byte limit")


def _decode(stream: pikepdf.Stream, what: str) -> bytes:
    try:
        return stream.read_bytes()
    except pikepdf.PikepdfError as exc:
        raise ParseError(f"{what}: cannot decode stream: {first_line(exc)}") from exc


def _checked(data: bytes, cap: int, what: str) -> bytes:
    if len(data) > cap:
        raise InputTooLarge(f"{what} is {len(data):,} bytes, over the {cap:,}-byte limit")
    return data


def first_line(exc: BaseException) -> str:
    """Return the first line of an exception message (qpdf messages run long)."""
    text = _STREAM_PREFIX.sub("", str(exc).strip())
    return text.splitlines()[0] if text else type(exc).__name__
