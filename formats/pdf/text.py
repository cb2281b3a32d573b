"""The text of a plain PDF, for mapping files: one function hiding the extractor.

Choice: pypdf's layout mode (``extract_text(extraction_mode="layout")``).
pypdf is already a dependency (Factur-X extraction), is pure Python, and its
layout mode keeps columns on one line with runs of spaces between them, which
is what label → value regexes and anchors need. pdfplumber (pdfminer.six) gives
similar layout text but adds two dependencies for no gain on our corpus.

Pinned behaviour (mapping regexes depend on it; re-run
``tests/corpus/test_mappings_corpus.py`` before changing any of it):

- ``layout_mode_scale_weight=1.25`` (pypdf's default, stated explicitly): at
  1.0 some columns touch (``5Unit(s)``, ``TOTAL HTTOTAL TVA``);
- lines are right-stripped; pages are joined with a form feed ``\\f``;
- lone UTF-16 surrogates (emoji glyphs without a usable ToUnicode entry) are
  replaced by ``?`` so the text is always valid UTF-8.
"""

from __future__ import annotations

import io
import logging

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from formats.errors import InputTooLarge, ParseError

__all__ = ["MAX_PDF_BYTES", "MAX_PDF_PAGES", "pdf_text"]

#: Largest PDF accepted (bytes).
MAX_PDF_BYTES = 20 * 1024 * 1024
#: Most pages read; an invoice longer than this is refused, not truncated.
MAX_PDF_PAGES = 50

_SCALE_WEIGHT = 1.25


def pdf_text(pdf: bytes, *, source: str | None = None) -> str:
    """Return the layout text of ``pdf``.

    :param source: a file name, for messages.
    :raises InputTooLarge: more than :data:`MAX_PDF_BYTES` or :data:`MAX_PDF_PAGES`.
    :raises ParseError: not a PDF, encrypted, or broken.
    """
    if len(pdf) > MAX_PDF_BYTES:
        raise InputTooLarge(f"PDF is {len(pdf)} bytes, above the {MAX_PDF_BYTES}-byte limit", path=source)
    if b"%PDF-" not in pdf[:1024]:
        raise ParseError("not a PDF (no %PDF- header)", path=source)
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # pypdf warns on every recoverable quirk
    try:
        reader = PdfReader(io.BytesIO(pdf), strict=False)
        if reader.is_encrypted:
            raise ParseError("PDF is encrypted; its text cannot be read", path=source)
        count = len(reader.pages)
        if count > MAX_PDF_PAGES:
            raise InputTooLarge(f"PDF has {count} pages, above the {MAX_PDF_PAGES}-page limit", path=source)
        pages = [
            page.extract_text(extraction_mode="layout", layout_mode_scale_weight=_SCALE_WEIGHT) for page in reader.pages
        ]
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise ParseError(f"PDF cannot be read: {exc}", path=source) from exc
    text = "\f".join("\n".join(line.rstrip() for line in page.splitlines()) for page in pages)
    return text.encode("utf-8", "replace").decode("utf-8").replace("\ufffd", "?") if _has_surrogates(text) else text


def _has_surrogates(text: str) -> bool:
    return any("\ud800" <= char <= "\udfff" for char in text)
