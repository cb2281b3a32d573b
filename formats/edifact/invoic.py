"""Read an EDIFACT INVOIC interchange into the model, choosing the binding from the UNH.

UNH S009 0057 (association assigned code) tells the bindings apart: ``EAN…`` is
EANCOM; anything else (the CEN examples say ``16B``) is CEN/TS 16931-3-4, unless
the message is of a directory older than D14B, which the CEN binding never used:
those (D93A … D13B subsets without association code) share EANCOM's layout and
are read by the EANCOM reader, with a warning.
"""

from __future__ import annotations

from formats.conversion import ConversionWarning, ReadResult
from formats.detection import Detected, DocumentKind
from formats.edifact.eancom import read_invoic_eancom
from formats.edifact.invoic_cen import read_invoic_cen
from formats.edifact.syntax import parse_interchange
from formats.errors import UnsupportedFormat

__all__ = ["read_edifact_invoice"]


def read_edifact_invoice(data: bytes, *, source: str | None = None) -> ReadResult:
    """Read the first INVOIC message of an interchange (lenient envelope checks).

    :raises FormatError: not EDIFACT, no INVOIC message, or segments that do
        not follow the binding.
    """
    interchange = parse_interchange(data)
    message = next((m for m in interchange.messages if m.type == "INVOIC"), None)
    if message is None:
        kinds = ", ".join(sorted({m.type for m in interchange.messages})) or "none"
        raise UnsupportedFormat(f"no INVOIC message in the EDIFACT interchange (messages: {kinds})", path=source)
    notes: tuple[ConversionWarning, ...] = ()
    if message.association_code.startswith("EAN"):
        result = read_invoic_eancom(message)
    elif _before_d14b(message.release):
        result = read_invoic_eancom(message)
        notes = (
            ConversionWarning(
                code="edifact-eancom.not-eancom",
                term="EXT",
                message=f"INVOIC D{message.release} without EANCOM association code: read with the EANCOM D96A rules",
            ),
        )
    else:
        result = read_invoic_cen(message, packages=interchange.packages)
    detected = Detected(DocumentKind.EDIFACT, syntax="edifact")
    return ReadResult(result.invoice, (*notes, *result.warnings), detected)


def _before_d14b(release: str) -> bool:
    # Directory releases are YY + A/B: 96A is 1996, 01B 2001, 14B 2014.
    if len(release) != 3 or not release[:2].isdigit():
        return False
    year = int(release[:2])
    return (1900 + year if year >= 88 else 2000 + year, release[2]) < (2014, "B")
