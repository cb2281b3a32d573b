"""EN 16931 model → EANCOM INVOIC (UN/EDIFACT D96A, association code EAN008).

:func:`write_invoic_eancom` builds the message following an
:class:`~formats.edifact.eancom.profile.EancomProfile` (the partner's qualifier
choices); :func:`render_edifact_eancom` wraps it in an interchange in the
profile's character set and syntax version. Every term the message cannot
carry, and every text the character set cannot hold, is reported as a
:class:`~formats.conversion.ConversionWarning` naming its business term.
"""

from __future__ import annotations

from datetime import datetime

from formats.conversion import ConversionWarning, RenderResult
from formats.edifact.eancom._build import dtm, moa, not_representable, rff, seg, tax
from formats.edifact.eancom._uncarried import transliteration_warnings, uncarried_terms
from formats.edifact.eancom._write_lines import write_allowance_charge, write_line, write_period
from formats.edifact.eancom._write_parties import write_parties
from formats.edifact.eancom.profile import EancomProfile, default_profile
from formats.edifact.invoic_cen._codes import GENERAL_NOTE
from formats.edifact.segments import Message, Segment
from formats.edifact.syntax import charset_for, write_interchange
from formats.errors import ConfigError
from formats.model import Invoice

__all__ = ["render_edifact_eancom", "write_invoic_eancom"]

#: The first document references of SG1 (BT-11 … BT-17 but BT-16, which the profile names).
_REFERENCES = (
    ("AEP", "project_reference"),
    ("CT", "contract_reference"),
    ("ON", "purchase_order_reference"),
    ("VN", "sales_order_reference"),
    ("ALO", "receiving_advice_reference"),
    ("GC", "tender_reference"),
    ("PQ", "remittance_information"),
)


def write_invoic_eancom(
    invoice: Invoice, profile: EancomProfile, *, reference: str = "1"
) -> tuple[Message, tuple[ConversionWarning, ...]]:
    """Map an invoice to one EANCOM INVOIC D96A message (UNH and UNT included).

    :param reference: UNH 0062, the message reference number.
    :return: the message and the warnings for what it could not carry.
    """
    warnings = uncarried_terms(invoice)
    body: list[Segment] = [seg("BGM", (invoice.type_code,), invoice.number, "9")]
    body += dtm("137", invoice.issue_date) + dtm("131", invoice.tax_point_date)
    body += dtm("35", invoice.delivery.actual_date if invoice.delivery else None)
    body += write_period(invoice.invoicing_period, profile)
    for means in invoice.payment_means:
        if means.type_code:
            body.append(seg("PAI", (None, None, means.type_code)))
    body += _texts(invoice, warnings)
    body += _references(invoice, profile)
    body += write_parties(invoice, profile, warnings)
    if invoice.currency:
        body.append(seg("CUX", ("2", invoice.currency, "4")))
    if invoice.due_date is not None:
        body.append(seg("PAT", "1"))
        body += dtm(profile.due_date, invoice.due_date)
    for entry in invoice.allowances_charges:
        body += write_allowance_charge(entry, profile)
    for line in invoice.lines:
        body += write_line(line, profile, invoice.purchase_order_reference, warnings)
    body.append(seg("UNS", "S"))
    body.append(seg("CNT", ("2", str(len(invoice.lines)))))
    body += _totals(invoice, profile)
    for breakdown in invoice.vat_breakdown:
        body.append(tax(breakdown.category, breakdown.rate))
        body += moa("125", breakdown.taxable_amount) + moa("124", breakdown.tax_amount)
    identifier = ("INVOIC", "D", "96A", "UN", profile.association_code)
    header = Segment("UNH", ((reference,), identifier))
    trailer = Segment("UNT", ((str(len(body) + 2),), (reference,)))
    numbered = tuple(
        Segment(segment.tag, segment.elements, position) for position, segment in enumerate((header, *body, trailer), 1)
    )
    message = Message(reference, "INVOIC", "D", "96A", "UN", profile.association_code, numbered)
    return message, tuple(warnings)


def render_edifact_eancom(
    invoice: Invoice,
    profile: EancomProfile | None = None,
    *,
    sender: str | None = None,
    recipient: str | None = None,
    control_reference: str = "1",
    prepared: datetime | tuple[str, str] | None = None,
) -> RenderResult:
    """Render an invoice as an interchange holding one EANCOM INVOIC, in the profile's charset and syntax.

    :param profile: the partner's choices; the default profile (``mappings/eancom/default.yaml``) when ``None``.
    :param sender: UNB S002 0004; defaults to the seller's GLN (qualifier 14), else ``AIGUILLAGE``.
    :param recipient: UNB S003 0010; defaults to the buyer's GLN (qualifier 14), else ``UNKNOWN``.
    :param prepared: UNB S004; defaults to now (UTC).
    :raises ConfigError: the profile names a character set the syntax layer does not know.
    """
    chosen = profile or default_profile()
    charset = charset_for(chosen.syntax_id)
    if charset is None:
        raise ConfigError(f"EANCOM profile {chosen.name}: unknown syntax identifier {chosen.syntax_id!r}")
    message, warnings = write_invoic_eancom(invoice, chosen)
    data = write_interchange(
        [message],
        sender=_address(sender, _gln(invoice, "seller"), "AIGUILLAGE"),
        recipient=_address(recipient, _gln(invoice, "buyer"), "UNKNOWN"),
        control_reference=control_reference,
        syntax_id=chosen.syntax_id,
        syntax_version=chosen.syntax_version,
        prepared=prepared,
    )
    return RenderResult(data, (*warnings, *transliteration_warnings(invoice, charset)))


def _address(given: str | None, gln: str | None, fallback: str) -> tuple[str, ...]:
    # UNB 0007 = 14 says "GS1 GLN"; an address that is not a GLN goes without a qualifier.
    if given:
        return (given,)
    return (gln, "14") if gln else (fallback,)


def _gln(invoice: Invoice, role: str) -> str | None:
    party = invoice.seller if role == "seller" else invoice.buyer
    for identifier in party.identifiers if party else ():
        if identifier.scheme == "0088":
            return identifier.value
    return None


def _ftx(subject: str, text: str | None) -> Segment:
    return seg("FTX", subject, None, None, (text,))


def _texts(invoice: Invoice, warnings: list[ConversionWarning]) -> list[Segment]:
    # As in the CEN binding: the first FTX+REG is BT-33 and the first FTX+AAB is BT-20,
    # written first so that notes with the same subject come back as notes.
    legal_info = invoice.seller.additional_legal_info if invoice.seller else None
    leading = {"REG": (legal_info, "BT-33"), "AAB": (invoice.payment_terms, "BT-20")}
    out = [_ftx(subject, text) for subject, (text, _term) in leading.items() if text]
    for note in invoice.notes:
        subject = note.subject_code or GENERAL_NOTE
        if subject in leading and not leading[subject][0]:
            term = leading[subject][1]
            leading[subject] = (note.text, term)
            for concerned in ("BG-1", term):
                warnings.append(not_representable(concerned, f"a lone FTX+{subject} note is read back as {term}"))
        out.append(_ftx(subject, note.text))
    return out


def _references(invoice: Invoice, profile: EancomProfile) -> list[Segment]:
    out: list[Segment] = []
    for kind, name in _REFERENCES:
        out += rff(kind, getattr(invoice, name))
    out += rff(profile.despatch_advice, invoice.despatch_advice_reference)
    for preceding in invoice.preceding_invoices:
        out += rff(profile.preceding_invoice, preceding.reference)
        out += dtm("171", preceding.issue_date)
    return out


def _totals(invoice: Invoice, profile: EancomProfile) -> list[Segment]:
    totals = invoice.totals
    if totals is None:
        return []
    return [
        *moa("79", totals.line_total),
        *moa("260", totals.allowance_total),
        *moa("259", totals.charge_total),
        *moa("125", totals.tax_exclusive),
        *moa(profile.tax_total, totals.tax_total),
        *moa(profile.invoice_total, totals.tax_inclusive),
        *moa("113", totals.prepaid),
        *moa("165", totals.rounding),
        *moa("9", totals.payable),
    ]
