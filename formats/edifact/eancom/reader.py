"""EANCOM INVOIC (UN/EDIFACT D96A, EAN008 and its near relatives) → EN 16931 model.

The reader accepts the usual partner variants whatever profile wrote the
message: due date DTM 13 or 140, total MOA 77 or 86 (or 388), buyer NAD BY or
IV, despatch advice RFF DQ or AAK, preceding invoice RFF IV or OI, invoicing
period DTM 263 (format 718) or 167/168, allowance amounts MOA 8, 204, 23 or 131.
Segments it has no EN 16931 meaning for are reported (``edifact-eancom.unmapped``).
"""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

from formats.conversion import ConversionWarning, ReadResult
from formats.edifact.eancom._read_lines import read_allowance_charge, read_line, read_period
from formats.edifact.eancom._read_parties import PartyData, read_parties
from formats.edifact.eancom._sections import Group, Sections, split_message, unmapped
from formats.edifact.invoic_cen._codes import GENERAL_NOTE, parse_date, parse_decimal
from formats.edifact.segments import Message
from formats.model import Delivery, Invoice, Note, PaymentMeans, PrecedingInvoice, Totals, VatBreakdown

__all__ = ["read_invoic_eancom"]

#: SG1 RFF 1153 → Invoice field (BT-11 … BT-17, BT-83, and BT-10/BT-19 when no buyer group holds them).
_REFERENCES = {
    "AEP": "project_reference",
    "CT": "contract_reference",
    "ON": "purchase_order_reference",
    "VN": "sales_order_reference",
    "ALO": "receiving_advice_reference",
    "DQ": "despatch_advice_reference",
    "AAK": "despatch_advice_reference",
    "GC": "tender_reference",
    "PQ": "remittance_information",
    "CR": "buyer_reference",
    "AOU": "buyer_accounting_reference",
}

#: Summary MOA 5025 → Totals field; the first qualifier of a field found wins.
_TOTALS = {
    "79": "line_total",
    "260": "allowance_total",
    "259": "charge_total",
    "125": "tax_exclusive",
    "389": "tax_exclusive",
    "176": "tax_total",
    "124": "tax_total",
    "150": "tax_total",
    "77": "tax_inclusive",
    "86": "tax_inclusive",
    "388": "tax_inclusive",
    "113": "prepaid",
    "165": "rounding",
    "366": "rounding",
    "9": "payable",
}

_DUE_DATES = frozenset({"13", "140"})


def read_invoic_eancom(message: Message) -> ReadResult:
    """Read one EANCOM INVOIC message into the canonical model.

    :raises ParseError: a date or an amount is malformed.
    """
    warnings: list[ConversionWarning] = []
    sections = split_message(message)
    fields: dict[str, object] = {}
    bgm = next((s for s in sections.top if s.tag == "BGM"), None)
    if bgm is not None:
        fields["type_code"] = bgm.element(0, 0) or None
        fields["number"] = bgm.element(1, 0) or None
    delivery_date = _dates(sections, fields)
    codes = [s.element(0, 2) or None for s in sections.top if s.tag == "PAI"]
    _texts(sections.top, fields)
    groups = {tag: [g for g in sections.groups if g[0].tag == tag] for tag in ("RFF", "NAD", "CUX", "ALC")}
    _references(groups["RFF"], fields, warnings)
    parties = read_parties(groups["NAD"], warnings)
    for name in ("seller", "buyer", "payee", "tax_representative"):
        fields[name] = getattr(parties, name)
    legal_info = fields.pop("_legal_info", None)
    if isinstance(legal_info, str) and parties.seller is not None:
        fields["seller"] = dataclasses.replace(parties.seller, additional_legal_info=legal_info)
    fields["buyer_reference"] = parties.references.get("CR") or fields.get("buyer_reference")
    fields["buyer_accounting_reference"] = parties.references.get("AOU") or fields.get("buyer_accounting_reference")
    delivery = parties.delivery_party
    if delivery_date is not None:
        delivery = dataclasses.replace(delivery or Delivery(), actual_date=delivery_date)
    fields["delivery"] = delivery
    for cux in groups["CUX"]:
        if cux[0].element(0, 0) == "2" or cux[0].element(0, 2) == "4":
            fields["currency"] = cux[0].element(0, 1) or None
    fields["payment_means"] = _payment_means(codes, parties)
    fields["allowances_charges"] = tuple(read_allowance_charge(group) for group in groups["ALC"])
    fields["lines"] = tuple(read_line(line, warnings) for line in sections.lines)
    fields["totals"] = _totals(sections.totals, warnings)
    fields["vat_breakdown"] = tuple(_breakdown(group) for group in sections.breakdowns)
    _report_unmapped(sections, warnings)
    invoice = Invoice(**fields)  # type: ignore[arg-type]
    return ReadResult(invoice, tuple(warnings))


def _dates(sections: Sections, fields: dict[str, object]) -> date | None:
    delivery = None
    dates = [s for s in sections.top if s.tag == "DTM"]
    for dtm in [*dates, *(s for g in sections.groups if g[0].tag == "PAT" for s in g if s.tag == "DTM")]:
        code, text, form = dtm.element(0, 0), dtm.element(0, 1), dtm.element(0, 2)
        if not text or code in ("263", "167", "168"):
            continue
        if code == "137":
            fields["issue_date"] = parse_date(text, form, "DTM 137")
        elif code == "131":
            fields["tax_point_date"] = parse_date(text, form, "DTM 131")
        elif code == "35":
            delivery = parse_date(text, form, "DTM 35")
        elif code in _DUE_DATES and "due_date" not in fields:
            fields["due_date"] = parse_date(text, form, f"DTM {code}")
    period = read_period(dates, "header")
    if period is not None:
        fields["invoicing_period"] = period
    return delivery


def _texts(top: Group, fields: dict[str, object]) -> None:
    notes: list[Note] = []
    for ftx in (s for s in top if s.tag == "FTX"):
        subject = ftx.element(0)
        text = "".join(ftx.elements[3]) if len(ftx.elements) > 3 else ""
        if subject == "AAB" and "payment_terms" not in fields:
            fields["payment_terms"] = text or None
        elif subject == "REG" and "_legal_info" not in fields:
            fields["_legal_info"] = text or None
        else:
            notes.append(Note(text=text, subject_code=None if subject == GENERAL_NOTE else subject or None))
    fields["notes"] = tuple(notes)


def _references(groups: list[Group], fields: dict[str, object], warnings: list[ConversionWarning]) -> None:
    preceding: list[PrecedingInvoice] = []
    for group in groups:
        qualifier, text = group[0].element(0, 0), group[0].element(0, 1)
        if qualifier in ("IV", "OI"):
            issued = next(
                (
                    parse_date(d.element(0, 1), d.element(0, 2), f"RFF {qualifier} DTM")
                    for d in group[1:]
                    if d.tag == "DTM" and d.element(0, 0) in ("171", "384", "3") and d.element(0, 1)
                ),
                None,
            )
            preceding.append(PrecedingInvoice(reference=text, issue_date=issued))
        elif qualifier in _REFERENCES:
            fields[_REFERENCES[qualifier]] = text or None
        else:
            warnings.append(
                ConversionWarning(code="edifact-eancom.unmapped", term="EXT", message=unmapped(f"RFF+{qualifier}"))
            )
    fields["preceding_invoices"] = tuple(preceding)


def _payment_means(codes: list[str | None], parties: PartyData) -> tuple[PaymentMeans, ...]:
    # One PAI per means, FII+RB in the same order (as the CEN binding pairs them).
    transfers, debited = parties.credit_transfers, parties.debited_account
    count = max(len(codes), len(transfers), 1 if debited else 0)
    return tuple(
        PaymentMeans(
            type_code=codes[index] if index < len(codes) else (codes[-1] if codes else None),
            credit_transfer=transfers[index] if index < len(transfers) else None,
            debited_account=debited if index == 0 else None,
        )
        for index in range(count)
    )


def _totals(segments: Group, warnings: list[ConversionWarning]) -> Totals | None:
    found: dict[str, Decimal] = {}
    for moa in segments:
        code = moa.element(0, 0)
        if code in _TOTALS:
            found.setdefault(_TOTALS[code], parse_decimal(moa.element(0, 1), f"MOA {code}"))
        else:
            warnings.append(
                ConversionWarning(code="edifact-eancom.unmapped", term="EXT", message=unmapped(f"summary MOA {code}"))
            )
    return Totals(**found) if found else None


def _breakdown(group: Group) -> VatBreakdown:
    tax = group[0]
    amounts = {s.element(0, 0): s.element(0, 1) for s in group[1:] if s.tag == "MOA"}
    tax_amount = amounts.get("124") or amounts.get("150")
    rate = tax.element(4, 3)
    return VatBreakdown(
        taxable_amount=parse_decimal(amounts["125"], "summary MOA 125") if amounts.get("125") else None,
        tax_amount=parse_decimal(tax_amount, "summary MOA 124") if tax_amount else None,
        category=tax.element(5) or None,
        rate=parse_decimal(rate, "summary TAX 5278") if rate else None,
    )


def _report_unmapped(sections: Sections, warnings: list[ConversionWarning]) -> None:
    handled_top = {"BGM", "DTM", "PAI", "FTX"}
    names = [s.tag for s in sections.top if s.tag not in handled_top]
    names += [f"{g[0].tag} group" for g in sections.groups if g[0].tag not in ("RFF", "NAD", "CUX", "ALC", "PAT")]
    names += [f"summary {s.tag}" for s in sections.others if s.tag != "MOA"]
    for name in names:
        warnings.append(ConversionWarning(code="edifact-eancom.unmapped", term="EXT", message=unmapped(name)))
