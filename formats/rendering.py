"""Render the canonical model into a target syntax: UBL, CII, a Factur-X PDF/A-3, or EDIFACT INVOIC."""

from __future__ import annotations

import dataclasses
from enum import StrEnum

from formats.cii import render_cii
from formats.conversion import ConversionWarning, RenderResult
from formats.edifact.eancom import render_edifact_eancom
from formats.edifact.invoic_cen import render_edifact_cen
from formats.model import Invoice
from formats.pdf.facturx_writer import embed_facturx
from formats.pdf.visual import render_invoice_pdf
from formats.profiles import Profile, profile_from_specification
from formats.ubl import render_ubl

__all__ = ["Target", "render_invoice"]

#: BT-24 of EN 16931 core: the Factur-X EN 16931 level.
_EN16931 = "urn:cen.eu:en16931:2017"


class Target(StrEnum):
    """Output syntaxes."""

    UBL = "ubl"
    CII = "cii"
    FACTURX = "facturx"
    EDIFACT = "edifact"
    """UN/EDIFACT INVOIC per CEN/TS 16931-3-4 (the EN 16931 binding)."""
    EDIFACT_EANCOM = "edifact-eancom"
    """EANCOM INVOIC D96A (EAN008) with the default profile (``mappings/eancom/default.yaml``)."""


def render_invoice(
    invoice: Invoice, target: Target | str, *, pretty: bool = True, visual: bytes | None = None
) -> RenderResult:
    """Render ``invoice`` as ``target`` (``ubl``, ``cii``, ``facturx``, ``edifact`` or ``edifact-eancom``).

    For ``facturx`` the CII is embedded into ``visual`` (e.g. the PDF the invoice
    was read from), or into a PDF drawn from the model when ``visual`` is ``None``.
    An invoice whose BT-24 names an EN 16931 CIUS that is no Factur-X level
    (Peppol BIS…) is written with BT-24 = EN 16931 core, with a
    ``facturx.specification-core`` warning.

    :return: the bytes and every conversion warning (terms the target cannot hold).
    :raises NotRepresentable: the target cannot hold the invoice (e.g. UBL without
        lines, Factur-X for EXTENDED-CTC-FR).
    :raises ValueError: ``visual`` given for a target other than ``facturx``.
    """
    chosen = Target(target)
    if visual is not None and chosen is not Target.FACTURX:
        raise ValueError(f"a visual PDF is only used by the facturx target, not {chosen.value}")
    match chosen:
        case Target.UBL:
            return render_ubl(invoice, pretty=pretty)
        case Target.CII:
            return render_cii(invoice, pretty=pretty)
        case Target.FACTURX:
            return _render_facturx(invoice, visual=visual)
        case Target.EDIFACT:
            return render_edifact_cen(invoice)
        case Target.EDIFACT_EANCOM:
            return render_edifact_eancom(invoice)


def _render_facturx(invoice: Invoice, *, visual: bytes | None) -> RenderResult:
    warnings: list[ConversionWarning] = []
    specification = invoice.specification or ""
    if profile_from_specification(specification) is Profile.PEPPOL_BIS or (
        specification.startswith(f"{_EN16931}#compliant#") and profile_from_specification(specification) is None
    ):
        # An invoice that complies with a CIUS complies with the core (EN 16931-1 § 7.3):
        # Factur-X has no level for the CIUS, its EN 16931 level is the honest one.
        invoice = dataclasses.replace(invoice, specification=_EN16931)
        warnings.append(
            ConversionWarning(
                code="facturx.specification-core",
                term="BT-24",
                message=f"BT-24 {specification!r} names no Factur-X level; written as EN 16931 core ({_EN16931})",
            )
        )
    # Compact: the pretty writer leaves whitespace in elements the MINIMUM XSD declares
    # empty (ApplicableHeaderTradeDelivery), which the Factur-X XSD check rejects.
    cii = render_cii(invoice, pretty=False)
    pdf = visual if visual is not None else render_invoice_pdf(invoice)
    return RenderResult(embed_facturx(pdf, cii.data), (*cii.warnings, *warnings))
