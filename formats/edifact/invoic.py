"""Read an EDIFACT INVOIC interchange into the model, choosing the binding from the UNH.

UNH S009 0057 (association assigned code) tells the bindings apart: ``EAN…`` is
EANCOM; anything else (the CEN examples say ``16B``) is CEN/TS 16931-3-4.
"""

from __future__ import annotations

from formats.conversion import ReadResult
from formats.detection import Detected, DocumentKind
from formats.edifact.invoic_cen import read_invoic_cen
from formats.edifact.syntax import parse_interchange
from formats.errors import UnsupportedFormat

__all__ = ["read_edifact_invoice"]


def read_edifact_invoice(data: bytes, *, source: str | None = None) -> ReadResult:
    """Read the first INVOIC message of an interchange (lenient envelope checks).

    :raises FormatError: not EDIFACT, no INVOIC message, an EANCOM message, or
        segments that do not follow the binding.
    """
    interchange = parse_interchange(data)
    message = next((m for m in interchange.messages if m.type == "INVOIC"), None)
    if message is None:
        kinds = ", ".join(sorted({m.type for m in interchange.messages})) or "none"
        raise UnsupportedFormat(f"no INVOIC message in the EDIFACT interchange (messages: {kinds})", path=source)
    if message.association_code.startswith("EAN"):
        raise UnsupportedFormat(f"EANCOM INVOIC ({message.association_code}) is not read yet", path=source)
    result = read_invoic_cen(message, packages=interchange.packages)
    detected = Detected(DocumentKind.EDIFACT, syntax="edifact")
    return ReadResult(result.invoice, result.warnings, detected)
