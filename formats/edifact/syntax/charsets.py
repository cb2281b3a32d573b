"""EDIFACT syntax identifiers (UNB S001 0001) and their character repertoires (ISO 9735-1 annex A/B).

Input: the identifier picks a codec; UNOA and UNOB are ASCII subsets whose
repertoire is checked. Output: characters a set cannot hold are either
transliterated (``é`` → ``e``, and upper-cased for UNOA, which has no small
letters) or refused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

__all__ = [
    "CHARSETS",
    "Charset",
    "charset_for",
    "transliterate",
]


@dataclass(frozen=True, slots=True)
class Charset:
    """One syntax identifier: its codec and, for the ASCII subsets, the repertoire."""

    syntax_id: str
    codec: str
    """Python codec for the octets of this syntax level."""
    invalid: re.Pattern[str] | None = None
    """Matches a character outside the repertoire; ``None`` when the codec is the repertoire."""
    upper_only: bool = False
    """UNOA: level A has no small letters."""

    def can_hold(self, text: str) -> bool:
        """Return whether every character of ``text`` is in this set."""
        if self.invalid is not None:
            return self.invalid.search(text) is None
        try:
            text.encode(self.codec)
        except UnicodeEncodeError:
            return False
        return True


# Level A: capitals, digits, space and . , - ( ) / = ' + : ? ! " % & * ; < >
_UNOA_INVALID = re.compile(r"""[^A-Z0-9 .,\-()/='+:?!"%&*;<>]""")
# Level B: ISO 646 graphic characters plus the IS1-IS4 separators of its default service string.
_UNOB_INVALID = re.compile(r"[^\x20-\x7e\x1c-\x1f]")

CHARSETS: dict[str, Charset] = {
    "UNOA": Charset("UNOA", "ascii", _UNOA_INVALID, upper_only=True),
    "UNOB": Charset("UNOB", "ascii", _UNOB_INVALID),
    "UNOC": Charset("UNOC", "latin-1"),
    "UNOD": Charset("UNOD", "iso8859-2"),
    "UNOE": Charset("UNOE", "iso8859-5"),
    "UNOF": Charset("UNOF", "iso8859-7"),
    "UNOG": Charset("UNOG", "iso8859-3"),
    "UNOH": Charset("UNOH", "iso8859-4"),
    "UNOI": Charset("UNOI", "iso8859-6"),
    "UNOJ": Charset("UNOJ", "iso8859-8"),
    "UNOK": Charset("UNOK", "iso8859-9"),
    # ISO 10646-1 (syntax 4): UNOW is UTF-8 by definition; UNOY is carried as UTF-8 as well
    # (the 0133 encoding code would name another form, which no partner of ours sends).
    "UNOW": Charset("UNOW", "utf-8"),
    "UNOY": Charset("UNOY", "utf-8"),
}
"""Supported syntax identifiers (UNB S001 0001)."""

# Letters NFKD does not decompose into a base letter and a mark.
_SPECIAL = str.maketrans(
    {
        "ß": "ss",
        "Æ": "AE",
        "æ": "ae",
        "Œ": "OE",
        "œ": "oe",
        "Ø": "O",
        "ø": "o",
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "Þ": "TH",
        "þ": "th",
        "€": "EUR",
        "‘": "'",
        "’": "'",
        "“": '"',
        "”": '"',
        "–": "-",
        "—": "-",
        "\u00a0": " ",
    }
)

REPLACEMENT = "."
"""What a character with no transliteration becomes (``.`` is in every repertoire)."""


def charset_for(syntax_id: str) -> Charset | None:
    """Return the character set of a syntax identifier, ``None`` when unknown."""
    return CHARSETS.get(syntax_id)


def transliterate(text: str, charset: Charset) -> str:
    """Return ``text`` with every character ``charset`` cannot hold replaced by its nearest.

    Accents are dropped (NFKD), a few letters spelt out (``ß`` → ``ss``), small
    letters capitalised for UNOA; what is still outside becomes ``.``.
    """
    if charset.can_hold(text):
        return text
    out = []
    for char in text:
        if charset.can_hold(char):
            out.append(char)
            continue
        candidate = char.translate(_SPECIAL)
        if candidate == char:
            candidate = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        if charset.upper_only:
            candidate = candidate.upper()
        out.append(candidate if candidate and charset.can_hold(candidate) else REPLACEMENT)
    return "".join(out)
