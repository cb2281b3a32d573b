"""Plain PDFs → model through mappings/*.yaml, against the stripped Factur-X ground truth."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from formats.mappings import Mapping, apply_mapping, load_mapping, match_mapping
from formats.model.compare import diff_invoices
from formats.pdf.text import pdf_text
from formats.reading import read_invoice
from tests.conftest import CORPUS, REPO

MAPPINGS = REPO / "mappings"
#: Every stripped Factur-X PDF of the corpus, each with its mapping.
MAPPED = (
    "Avoir_FR_type381_BASIC",
    "Facture_FR_BASICWL",
    "Facture_UE_BASICWL",
    "EN16931_Einfach",
    "invoice_EN16931",
)
STRIPPED = [CORPUS / "plain-pdf" / "stripped-facturx" / f"{name}.stripped.pdf" for name in MAPPED]


def _mappings() -> list[Mapping]:
    return [load_mapping(path.read_text(encoding="utf-8"), path.name) for path in sorted(MAPPINGS.glob("*.yaml"))]


def test_every_mapping_file_loads() -> None:
    assert _mappings()


@pytest.mark.parametrize("pdf", STRIPPED, ids=[f"plain-pdf/stripped-facturx/{p.name}" for p in STRIPPED])
def test_stripped_pdf_matches_ground_truth(corpus_dir: Path, pdf: Path) -> None:
    text = pdf_text(pdf.read_bytes())
    mapping = match_mapping(_mappings(), text)
    assert mapping is not None, "no mapping matches"
    result = apply_mapping(mapping, text)
    assert result.complete, result.missing_required
    truth = read_invoice(pdf.with_name(pdf.name.replace(".stripped.pdf", ".groundtruth.xml")).read_bytes()).invoice
    unexplained = [
        str(d)
        for d in diff_invoices(result.invoice, truth, include_extensions=False)
        if d.term not in mapping.not_shown
    ]
    assert unexplained == []


#: Which mapping each plain PDF of the corpus must pick (and no other).
CHOICES = {
    "stripped-facturx/Avoir_FR_type381_BASIC.stripped.pdf": "au-bon-moulin-avoir.yaml",
    "stripped-facturx/Facture_FR_BASICWL.stripped.pdf": "au-bon-moulin-facture.yaml",
    "stripped-facturx/Facture_UE_BASICWL.stripped.pdf": "au-bon-moulin-invoice-en.yaml",
    "stripped-facturx/EN16931_Einfach.stripped.pdf": "lieferant-gmbh.yaml",
    "stripped-facturx/invoice_EN16931.stripped.pdf": "le-fournisseur.yaml",
    "invoice2data/AzureInterior.pdf": "azure-interior.yaml",
    "invoice2data/SammyMaystoneLinesTest.pdf": "sammy-maystone.yaml",
}


@pytest.mark.parametrize("name", sorted(CHOICES), ids=[f"plain-pdf/{n}" for n in sorted(CHOICES)])
def test_each_pdf_matches_only_its_mapping(corpus_dir: Path, name: str) -> None:
    from formats.mappings import mapping_score

    text = pdf_text((CORPUS / "plain-pdf" / name).read_bytes())
    mappings = _mappings()
    chosen = match_mapping(mappings, text)
    assert chosen is not None and chosen.source == CHOICES[name]
    assert [m.source for m in mappings if mapping_score(m, text) is not None] == [CHOICES[name]]


#: Upstream expected results, invoice2data ``tests/compare/<name>.json`` (invoice-x/invoice2data),
#: restricted to the fields the PDF text shows. Fields upstream reads from the PDF's embedded UBL or
#: its template options (partner_street2, mandate_id, bic, payment_unece_code…) are left out.
#: Upstream ``issuer`` is the template's name; the printed seller name is compared instead.
INVOICE2DATA: dict[str, dict[str, Any]] = {
    "AzureInterior": {
        "issuer": "Azure Interior",
        "amount": 279.84,
        "amount_tax": 16.94,
        "amount_untaxed": 262.9,
        "invoice_number": "INV/2023/03/0008",
        "partner_email": "azure.Interior24@example.com",
        "partner_street": "4557 De Silva St",
        "partner_city": "Fremont",
        "state_code": "CA",
        "country_code": "US",
        "partner_zip": "94538",
        "telephone": "(870)-931-0505",
        "iban": "US1234567890",
        "payment_reference": "202309097001",
        "customer_order_free_ref": "CUSTREF123",
        "date": "2023-03-20",
        "date_due": "2023-04-04",
        "currency": "USD",
        "note": "Due to global inflation our payment term has changed to 15 days.",
        "lines": [
            {
                "code": "17589684",
                "name": "Beeswax XL\nAcme beeswax",
                "qty": 1.0,
                "price_unit": 42.0,
                "line_tax_percent": 15.0,
                "price_subtotal": 42.0,
            },
            {
                "code": "FURN_7777",
                "name": "Office Chair",
                "qty": 1.0,
                "price_unit": 70.0,
                "line_tax_percent": 15.0,
                "price_subtotal": 70.0,
            },
            {
                "barcode": "987123",
                "name": "Olive Oil",
                "qty": 1.0,
                "unece_code": "LTR",
                "price_unit": 1.0,
                "line_tax_percent": 15.0,
                "price_subtotal": 0.9,
            },
            {
                "code": "LUX_TRF",
                "name": "Luxury Truffles",
                "qty": 15.0,
                "price_unit": 10.0,
                "line_tax_percent": 0.0,
                "price_subtotal": 150.0,
            },
        ],
    },
    "SammyMaystoneLinesTest": {
        "issuer": "Sammy Maystone",  # upstream: "Sammy Maystone - For Lines testing" (template name)
        "invoice_number": "invoice_number_1",
        "date": "2022-01-01",
        "currency": "USD",
        "line_items": [
            {"item": "Service A", "qty": "12", "rate": "10.00", "amount": "120.00", "desc": "Parts: 1 x cap_a"},
            {"item": "Service B", "qty": "5", "rate": "1.50", "amount": "7.50", "desc": "Parts: 2 x shop supplies"},
        ],
    },
}


def _dec(value: object) -> Decimal:
    return Decimal(str(value))


@pytest.mark.parametrize(
    "name", sorted(INVOICE2DATA), ids=[f"plain-pdf/invoice2data/{n}.pdf" for n in sorted(INVOICE2DATA)]
)
def test_invoice2data_sample_fields(corpus_dir: Path, name: str) -> None:
    expected = INVOICE2DATA[name]
    text = pdf_text((CORPUS / "plain-pdf" / "invoice2data" / f"{name}.pdf").read_bytes())
    mapping = match_mapping(_mappings(), text)
    assert mapping is not None
    result = apply_mapping(mapping, text)
    assert result.complete, result.missing_required
    inv = result.invoice
    assert inv.seller is not None and inv.totals is not None
    assert inv.seller.name == expected["issuer"]
    assert inv.number == expected["invoice_number"]
    assert inv.issue_date == date.fromisoformat(expected["date"])
    assert inv.currency == expected["currency"]
    if "amount" in expected:
        assert inv.totals.tax_inclusive == inv.totals.payable == _dec(expected["amount"])
        assert inv.totals.tax_total == _dec(expected["amount_tax"])
        assert inv.totals.tax_exclusive == _dec(expected["amount_untaxed"])
        assert inv.due_date == date.fromisoformat(expected["date_due"])
        assert inv.buyer_reference == expected["customer_order_free_ref"]
        assert inv.remittance_information == expected["payment_reference"]
        assert inv.payment_means[0].credit_transfer is not None
        assert inv.payment_means[0].credit_transfer.account_id == expected["iban"]
        assert inv.notes[0].text == expected["note"]
        address, contact = inv.seller.address, inv.seller.contact
        assert address is not None and contact is not None
        assert (address.line1, address.city, address.country_subdivision, address.post_code, address.country_code) == (
            expected["partner_street"],
            expected["partner_city"],
            expected["state_code"],
            expected["partner_zip"],
            expected["country_code"],
        )
        assert (contact.telephone, contact.email) == (expected["telephone"], expected["partner_email"])
    if "lines" in expected:
        assert len(inv.lines) == len(expected["lines"])
        for line, want in zip(inv.lines, expected["lines"], strict=True):
            assert line.item is not None and line.price is not None
            assert "\n".join(filter(None, (line.item.name, line.item.description))) == want["name"]
            assert line.item.seller_id == want.get("code")
            assert (line.item.standard_id.value if line.item.standard_id else None) == want.get("barcode")
            assert line.quantity == _dec(want["qty"])
            assert line.price.gross_price == _dec(want["price_unit"])
            assert (line.vat_rate or Decimal(0)) == _dec(want["line_tax_percent"])  # no tax printed: 0 upstream
            assert line.net_amount == _dec(want["price_subtotal"])
            if "unece_code" in want:
                assert line.unit_code == want["unece_code"]
    if "line_items" in expected:
        assert len(inv.lines) == len(expected["line_items"])
        for line, item in zip(inv.lines, expected["line_items"], strict=True):
            assert line.item is not None and line.price is not None
            assert line.item.name == item["item"]
            assert line.quantity == _dec(item["qty"])
            assert line.price.net_price == _dec(item["rate"])
            assert line.net_amount == _dec(item["amount"])
            attribute = line.item.attributes[0]
            assert f"{attribute.name}: {attribute.value}" == item["desc"]
