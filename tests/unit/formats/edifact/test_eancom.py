"""EANCOM INVOIC D96A: the writer follows the profile, the reader takes every variant."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from formats.edifact.eancom import (
    EancomProfile,
    default_profile,
    parse_profile,
    read_invoic_eancom,
    render_edifact_eancom,
)
from formats.edifact.segments import Segment
from formats.edifact.syntax import parse_interchange
from formats.model import (
    AllowanceCharge,
    Identifier,
    Invoice,
    InvoiceLine,
    Item,
    Party,
    PaymentMeans,
    Period,
    Price,
    Totals,
    VatBreakdown,
)
from formats.model.compare import diff_invoices
from formats.reading import read_invoice
from formats.rendering import render_invoice

INVOICE = Invoice(
    number="INV-1",
    issue_date=date(2026, 1, 15),
    type_code="380",
    currency="EUR",
    due_date=date(2026, 2, 14),
    purchase_order_reference="PO-7",
    despatch_advice_reference="DESADV-3",
    invoicing_period=Period(start=date(2026, 1, 1), end=date(2026, 1, 31)),
    seller=Party(name="Fournisseur SA", identifiers=(Identifier("5412345000013", "0088"),), vat_id="FR12345678901"),
    buyer=Party(name="Acheteur SARL", identifiers=(Identifier("123456789", "0002"),), vat_id="FR98765432109"),
    payment_means=(PaymentMeans(type_code="30"),),
    allowances_charges=(
        AllowanceCharge(
            is_charge=True,
            amount=Decimal("5.00"),
            reason="Freight",
            reason_code="FC",
            vat_category="S",
            vat_rate=Decimal("20"),
        ),
    ),
    lines=(
        InvoiceLine(
            id="1",
            quantity=Decimal("2"),
            unit_code="C62",
            net_amount=Decimal("20.00"),
            order_line_reference="10",
            price=Price(net_price=Decimal("10.00"), gross_price=Decimal("12.00")),
            vat_category="S",
            vat_rate=Decimal("20"),
            item=Item(name="Widget", seller_id="W-1", standard_id=Identifier("5412345000020", "0160")),
        ),
    ),
    totals=Totals(
        line_total=Decimal("20.00"),
        charge_total=Decimal("5.00"),
        tax_exclusive=Decimal("25.00"),
        tax_total=Decimal("5.00"),
        tax_inclusive=Decimal("30.00"),
        payable=Decimal("30.00"),
    ),
    vat_breakdown=(
        VatBreakdown(taxable_amount=Decimal("25.00"), tax_amount=Decimal("5.00"), category="S", rate=Decimal("20")),
    ),
)


def _segments(data: bytes) -> list[Segment]:
    return list(parse_interchange(data, strict=True).messages[0].segments)


def _tags(data: bytes, tag: str) -> list[tuple[tuple[str, ...], ...]]:
    return [segment.elements for segment in _segments(data) if segment.tag == tag]


def _profile(**changes: object) -> EancomProfile:
    return dataclasses.replace(default_profile(), **changes)  # type: ignore[arg-type]


def test_default_profile_writes_an_ean008_message_in_its_charset() -> None:
    profile = default_profile()
    rendered = render_edifact_eancom(INVOICE, prepared=("260115", "0900"))
    interchange = parse_interchange(rendered.data, strict=True)
    assert (interchange.syntax_id, interchange.syntax_version) == (profile.syntax_id, profile.syntax_version)
    message = interchange.messages[0]
    assert (message.type, message.release, message.association_code) == ("INVOIC", "96A", profile.association_code)
    # The seller's GLN addresses the interchange (0007 = 14) and its NAD (3055 = 9).
    assert interchange.sender == ("5412345000013", "14")
    assert ("SU", ("5412345000013", "", "9")) in [(e[0][0], e[1]) for e in _tags(rendered.data, "NAD")]
    back = read_invoic_eancom(message).invoice
    assert diff_invoices(INVOICE, back) == []


def test_render_invoice_target_uses_the_default_profile() -> None:
    by_target = render_invoice(INVOICE, "edifact-eancom")
    direct = render_edifact_eancom(INVOICE, default_profile())
    assert _segments(by_target.data) == _segments(direct.data)
    assert by_target.warnings == direct.warnings


@pytest.mark.parametrize("qualifier", ["13", "140"])
def test_profile_picks_the_due_date_qualifier(qualifier: str) -> None:
    data = render_edifact_eancom(INVOICE, _profile(due_date=qualifier)).data
    dates = [e[0][0] for e in _tags(data, "DTM")]
    other = {"13": "140", "140": "13"}[qualifier]
    assert qualifier in dates and other not in dates
    assert read_invoice(data).invoice.due_date == INVOICE.due_date


def test_profile_picks_totals_buyer_party_and_period_layout() -> None:
    default = render_edifact_eancom(INVOICE).data
    changed = render_edifact_eancom(
        INVOICE,
        _profile(
            invoice_total="86",
            tax_total="124",
            buyer_party="IV",
            invoicing_period="167-168",
            despatch_advice="AAK",
            preceding_invoice="OI",
            allowance_amount="204-23",
        ),
    ).data
    moa = {e[0][0] for e in _tags(changed, "MOA")}
    assert {"86", "124", "23"} <= moa and "77" not in moa and "8" not in moa
    assert {"77", "176", "8"} <= {e[0][0] for e in _tags(default, "MOA")}
    assert "IV" in [e[0][0] for e in _tags(changed, "NAD")]
    assert {"167", "168"} <= {e[0][0] for e in _tags(changed, "DTM")}
    assert "AAK" in [e[0][0] for e in _tags(changed, "RFF")]
    # The reader takes either variant: both read back to the same model.
    assert read_invoice(changed).invoice == read_invoice(default).invoice == INVOICE


def test_profile_without_gross_price_or_line_vat_warns_by_term() -> None:
    rendered = render_edifact_eancom(INVOICE, _profile(prices=("AAA",), line_vat=False))
    assert [e[0][0] for e in _tags(rendered.data, "PRI")] == ["AAA"]
    terms = {w.term for w in rendered.warnings if w.code == "edifact-eancom.not-representable"}
    assert {"BT-148", "BT-151", "BT-152"} <= terms
    back = read_invoice(rendered.data).invoice
    differing = {d.term for d in diff_invoices(INVOICE, back)}
    assert differing == {"BT-148", "BT-151", "BT-152"}


def test_unoa_profile_capitalises_and_says_which_terms_changed() -> None:
    profile = parse_profile("name: capitals\nsyntax-id: UNOA\nsyntax-version: 3\n", "capitals.yaml")
    rendered = render_edifact_eancom(INVOICE, profile)
    assert rendered.data.split(b"'")[1].startswith(b"UNB+UNOA:3+")
    back = read_invoice(rendered.data).invoice
    assert back.seller is not None and back.seller.name == "FOURNISSEUR SA"
    warned = {w.term for w in rendered.warnings if w.code == "edifact-eancom.transliterated"}
    assert {"BT-27", "BT-44", "BT-153"} <= warned
    assert {d.term for d in diff_invoices(INVOICE, back)} <= warned


def test_identifier_schemes_survive_in_nad() -> None:
    back = read_invoice(render_edifact_eancom(INVOICE).data).invoice
    assert back.seller is not None and back.seller.identifiers == INVOICE.seller.identifiers  # type: ignore[union-attr]
    assert back.buyer is not None and back.buyer.identifiers == (Identifier("123456789", "0002"),)


def test_terms_without_a_place_are_warned() -> None:
    invoice = dataclasses.replace(
        INVOICE,
        specification="urn:cen.eu:en16931:2017",
        tax_point_date_code="432",
        payment_means=(PaymentMeans(type_code="30", text="Transfer"),),
    )
    rendered = render_edifact_eancom(invoice)
    assert {"BT-24", "BT-8", "BT-82"} <= {w.term for w in rendered.warnings}
    back = read_invoice(rendered.data).invoice
    assert {d.term for d in diff_invoices(invoice, back)} == {"BT-24", "BT-8", "BT-82"}


HAND_WRITTEN = (
    "UNA:+.? 'UNB+UNOC:3+5400000000001:14+5400000000002:14+260115:0900+77'"
    "UNH+1+INVOIC:D:96A:UN:EAN008'BGM+381+CN-9+9'DTM+137:20260115:102'DTM+167:20260101:102'"
    "DTM+168:20260131:102'FTX+AAI+++Thanks'RFF+AAK:D-1'RFF+OI:INV-8'DTM+171:20251201:102'"
    "NAD+SE+5400000000001::9++Seller'RFF+VA:BE0123456789'NAD+IV+5400000000002::9++Invoicee'"
    "CUX+2:EUR:4'PAT+1'DTM+140:20260214:102'ALC+A+Volume:95'MOA+204:2.00'TAX+7+VAT+++:::21+S'"
    "LIN+1++5400000000019:EN'QTY+47:1:PCE'MOA+203:10'PRI+AAB:10'UNS+S'CNT+2:1'"
    "MOA+86:9.68'MOA+150:1.68'MOA+9:9.68'TAX+7+VAT+++:::21+S'MOA+125:8'MOA+150:1.68'UNT+22+1'UNZ+1+77'"
)


def test_reader_accepts_the_usual_variants() -> None:
    read = read_invoice(HAND_WRITTEN.encode("latin-1"))
    invoice = read.invoice
    assert (invoice.type_code, invoice.number) == ("381", "CN-9")
    assert invoice.invoicing_period == Period(start=date(2026, 1, 1), end=date(2026, 1, 31))
    assert invoice.due_date == date(2026, 2, 14)
    assert invoice.despatch_advice_reference == "D-1"
    assert [(p.reference, p.issue_date) for p in invoice.preceding_invoices] == [("INV-8", date(2025, 12, 1))]
    assert invoice.seller is not None and invoice.seller.name == "Seller"
    assert invoice.buyer is not None and invoice.buyer.name == "Invoicee"
    [allowance] = invoice.allowances_charges
    assert (allowance.amount, allowance.reason, allowance.reason_code) == (Decimal("2.00"), "Volume", "95")
    assert (allowance.vat_category, allowance.vat_rate) == ("S", Decimal("21"))
    [line] = invoice.lines
    assert line.item is not None and line.item.standard_id == Identifier("5400000000019", "0160")
    assert line.price == Price(gross_price=Decimal("10"))
    assert invoice.totals == Totals(tax_total=Decimal("1.68"), tax_inclusive=Decimal("9.68"), payable=Decimal("9.68"))
    assert invoice.vat_breakdown[0].tax_amount == Decimal("1.68")
    assert [n.subject_code for n in invoice.notes] == ["AAI"]
    assert read.warnings == ()
