"""A minimal append-only XML text builder for the UBL writer.

Building an lxml tree costs several times more per element than appending
escaped text (``SubElement`` creates a Python proxy for every node), and the
writer knows the whole structure in schema order anyway. The writer therefore
emits text, and goes through lxml only when it must put extensions back
(:func:`formats.leftovers.restore` works on a tree).

Element names are trusted constants (``cbc:ID``); only text and attribute
values come from the model, and they are escaped and checked here.
"""

from __future__ import annotations

import re
from decimal import Decimal

__all__ = ["XmlText", "attribute"]

_INDENTS = tuple("\n" + "  " * depth for depth in range(64))
_FLAT = ("",) * 64

# Characters XML 1.0 does not allow (C0 controls but TAB/LF/CR, lone surrogates, U+FFFE/FFFF).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _escape_text(value: str, tag: str) -> str:
    """Escape character data; refuse characters XML cannot carry.

    :raises ValueError: naming ``tag`` and the character.
    """
    if not value.isprintable():  # rare (line breaks, tabs…): only then look for non-XML characters
        bad = _NOT_XML.search(value)
        if bad is not None:
            raise ValueError(f"{tag}: character U+{ord(bad.group()):04X} is not allowed in XML")
    if "&" in value:
        value = value.replace("&", "&amp;")
    if "<" in value:
        value = value.replace("<", "&lt;")
    if ">" in value:
        value = value.replace(">", "&gt;")
    if "\r" in value:  # a literal CR would be normalised away by the next parser
        value = value.replace("\r", "&#13;")
    return value


def attribute(name: str, value: str) -> str:
    """Return `` name="value"`` with the value escaped (line breaks and tabs kept as references).

    :raises ValueError: the value holds a character XML cannot carry.
    """
    value = _escape_text(value, f"@{name}")
    if '"' in value:
        value = value.replace('"', "&quot;")
    if "\n" in value:
        value = value.replace("\n", "&#10;")
    if "\t" in value:
        value = value.replace("\t", "&#9;")
    return f' {name}="{value}"'


class XmlText:
    """Append-only XML text, indented by two spaces per level when ``pretty``."""

    __slots__ = ("_indents", "_opened", "depth", "parts")

    def __init__(self, *, pretty: bool) -> None:
        self.parts: list[str] = []
        self.depth = 0
        self._indents = _INDENTS if pretty else _FLAT
        self._opened = False

    def start(self, tag: str, attributes: str = "") -> None:
        """Open a container element."""
        self.parts.append(f"{self._indents[self.depth]}<{tag}{attributes}>")
        self.depth += 1
        self._opened = True

    def end(self, tag: str) -> None:
        """Close the innermost container (``<tag/>`` when it stayed empty)."""
        self.depth -= 1
        if self._opened:
            self.parts[-1] = self.parts[-1][:-1] + "/>"
        else:
            self.parts.append(f"{self._indents[self.depth]}</{tag}>")
        self._opened = False

    def leaf(self, tag: str, text: str, attributes: str = "") -> None:
        """Append a text-only element.

        :raises ValueError: the text holds a character XML cannot carry.
        """
        # Fast path inlined (most values need no escaping): see _escape_text.
        if not text.isprintable() or "&" in text or "<" in text or ">" in text:
            text = _escape_text(text, tag)
        self.parts.append(f"{self._indents[self.depth]}<{tag}{attributes}>{text}</{tag}>")
        self._opened = False

    def number(self, tag: str, value: Decimal | None, attributes: str = "") -> None:
        """Append a decimal in plain notation when ``value`` is not None (digits need no escaping)."""
        if value is not None:
            # str() is plain notation unless it needs an exponent (then it holds "E"), and then
            # equals format "f"; it costs half as much, and most values need no exponent.
            digits = str(value)
            if "E" in digits:
                digits = f"{value:f}"
            self.parts.append(f"{self._indents[self.depth]}<{tag}{attributes}>{digits}</{tag}>")
            self._opened = False

    def opt(self, tag: str, text: str | None, attributes: str = "") -> None:
        """Append a text-only element when ``text`` is not None."""
        if text is not None:
            if not text.isprintable() or "&" in text or "<" in text or ">" in text:
                text = _escape_text(text, tag)
            self.parts.append(f"{self._indents[self.depth]}<{tag}{attributes}>{text}</{tag}>")
            self._opened = False

    def wrapped(self, outer: str, tag: str, text: str, attributes: str = "") -> None:
        """Append a container holding one text-only element (``cac:PartyName/cbc:Name``)."""
        if not text.isprintable() or "&" in text or "<" in text or ">" in text:
            text = _escape_text(text, tag)
        indents = self._indents
        depth = self.depth
        self.parts.append(
            f"{indents[depth]}<{outer}>{indents[depth + 1]}<{tag}{attributes}>{text}</{tag}>{indents[depth]}</{outer}>"
        )
        self._opened = False

    def text(self) -> str:
        """Return the document text so far (no line break before the root element)."""
        if self.parts:
            self.parts[0] = self.parts[0].lstrip("\n")
        return "".join(self.parts)
