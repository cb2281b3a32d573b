"""The UN/EDIFACT syntax layer (ISO 9735 syntax versions 3 and 4, parts 1, 5, 6, 7 and 8).

``parse_interchange(data, strict=...)`` reads bytes into an
:class:`~formats.edifact.segments.Interchange`; ``write_interchange(messages,
...)`` writes :class:`~formats.edifact.segments.Message`\\ s back, adding
UNH/UNT to body-only messages and computing every control count.
"""

from formats.edifact.syntax.charsets import CHARSETS, Charset, charset_for, transliterate
from formats.edifact.syntax.codes import SyntaxErrorCode
from formats.edifact.syntax.envelope import check_parties
from formats.edifact.syntax.errors import EdifactSyntaxError
from formats.edifact.syntax.reader import parse_interchange
from formats.edifact.syntax.tokenizer import MAX_ELEMENTS
from formats.edifact.syntax.writer import RenderedInterchange, build_message, render_interchange, write_interchange

__all__ = [
    "CHARSETS",
    "MAX_ELEMENTS",
    "Charset",
    "EdifactSyntaxError",
    "RenderedInterchange",
    "SyntaxErrorCode",
    "build_message",
    "charset_for",
    "check_parties",
    "parse_interchange",
    "render_interchange",
    "transliterate",
    "write_interchange",
]
