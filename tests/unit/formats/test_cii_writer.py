"""CII writer: XSD order, syntax rules (currencyID, dates, IDs, IBAN), warnings, extensions."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from formats.cii import CII_NAMESPACES, read_cii, render_cii
from formats.model import (
    Address,
    AllowanceCharge,
    Attachment,
    Contact,
    CreditTransfer,
    Delivery,
    ExtensionElement,
    Identifier,
    Invoice,
    InvoiceLine,
    Item,
    ItemAttribute,
    Note,
    Party,
    Payee,
    PaymentCard,
    PaymentMeans,
    Period,
    PrecedingInvoice,
    Price,
    TaxRepresentative,
    Totals,
    VatBreakdown,
)
from formats.xml_safety import parse_xml

NS = dict(CII_NAMESPACES)
D16B = "cii-d16b/xsd/CII/uncefact/data/standard/CrossIndustryInvoice_100pD16B.xsd"
D22B = "fr-ctc-xp-z12-012-1.4.0/cii-d22b/xsd/CrossIndustryInvoice_100pD22B.xsd"
CTC_FR = "urn:cen.eu:en16931:2017#conformant#urn.cpro.gouv.fr:1p0:extended-ctc-fr"


@pytest.fixture(scope="module")
def schema(artefacts_dir: Path) -> Callable[[str], etree.XMLSchema]:
    @cache
    def load(relative: str) -> etree.XMLSchema:
        return etree.XMLSchema(etree.parse(str(artefacts_dir / relative)))

    return load


def full_invoice(**changes: object) -> Invoice:
    """An invoice with every business term the model has, for order and round-trip checks."""
    address = Address(
        line1="1 rue A",
        line2="Bât. B",
        line3="3e",
        city="Paris",
        post_code="75018",
        country_subdivision="IDF",
        country_code="FR",
    )
    invoice = Invoice(
        number="F-2026-1",
        issue_date=date(2026, 1, 31),
        type_code="380",
        currency="USD",
        tax_currency="EUR",
        tax_point_date=date(2026, 1, 30),
        tax_point_date_code="3",
        due_date=date(2026, 3, 2),
        buyer_reference="SERVICE-1",
        project_reference="PRJ-1",
        contract_reference="CT-1",
        purchase_order_reference="PO-1",
        sales_order_reference="SO-1",
        receiving_advice_reference="REC-1",
        despatch_advice_reference="DES-1",
        tender_reference="LOT-1",
        invoiced_object=Identifier("METER-1", "AVV"),
        buyer_accounting_reference="ACC-1",
        payment_terms="30 days net",
        notes=(Note(text="Penalties < 3 · rate & fees", subject_code="PMD"), Note(text="plain")),
        business_process="S1",
        specification="urn:cen.eu:en16931:2017",
        preceding_invoices=(PrecedingInvoice(reference="F-2025-9", issue_date=date(2025, 12, 1)),),
        seller=Party(
            name="Seller SARL",
            trading_name="Seller",
            identifiers=(Identifier("SUP-1"), Identifier("5790000435975", "0088")),
            legal_registration=Identifier("123456782", "0002"),
            vat_id="FR11123456782",
            tax_registration_id="201/113/40209",
            additional_legal_info="SARL au capital de 10 000 EUR",
            electronic_address=Identifier("123456782", "0225"),
            address=address,
            contact=Contact(name="Ann", telephone="+33 1 02 03 04 05", email="ann@seller.example"),
        ),
        buyer=Party(
            name="Buyer SA",
            identifiers=(Identifier("BUY-1"),),
            legal_registration=Identifier("987654321", "0002"),
            vat_id="FR05987654321",
            electronic_address=Identifier("987654321", "0225"),
            address=Address(city="Nice", country_code="FR"),
            contact=Contact(name="Bob"),
        ),
        payee=Payee(
            name="Factor",
            identifiers=(Identifier("PAYEE-1", "0088"),),
            legal_registration=Identifier("303656847", "0002"),
        ),
        tax_representative=TaxRepresentative(name="Rep", vat_id="FR05987654321", address=Address(country_code="FR")),
        delivery=Delivery(
            party_name="Dock 4",
            location=Identifier("4000001000005", "0088"),
            actual_date=date(2026, 1, 28),
            address=Address(city="Lyon", country_code="FR"),
        ),
        invoicing_period=Period(start=date(2026, 1, 1), end=date(2026, 1, 31)),
        payment_means=(
            PaymentMeans(
                type_code="58",
                text="SEPA credit transfer",
                credit_transfer=CreditTransfer(
                    account_id="DE89 3704 0044 0532 0130 00", account_name="Seller", service_provider_id="COBADEFFXXX"
                ),
            ),
            PaymentMeans(type_code="30", credit_transfer=CreditTransfer(account_id="LOCAL-ACCOUNT-7")),
            PaymentMeans(type_code="48", card=PaymentCard(primary_account_number="1234", holder_name="B. Buyer")),
            PaymentMeans(type_code="59", debited_account="FR7630006000011234567890189"),
        ),
        remittance_information="F-2026-1",
        mandate_reference="MANDATE-1",
        creditor_reference="FR00ZZZ123456",
        allowances_charges=(
            AllowanceCharge(
                is_charge=False,
                amount=Decimal("5.00"),
                base_amount=Decimal("100.00"),
                percentage=Decimal("5"),
                reason="Discount",
                reason_code="95",
                vat_category="S",
                vat_rate=Decimal("20.00"),
            ),
            AllowanceCharge(
                is_charge=True, amount=Decimal("10.00"), reason="Freight", reason_code="FC", vat_category="S"
            ),
        ),
        totals=Totals(
            line_total=Decimal("100.00"),
            allowance_total=Decimal("5.00"),
            charge_total=Decimal("10.00"),
            tax_exclusive=Decimal("105.00"),
            tax_total=Decimal("21.00"),
            tax_total_accounting=Decimal("19.30"),
            tax_inclusive=Decimal("126.00"),
            prepaid=Decimal("0.00"),
            rounding=Decimal("0.00"),
            payable=Decimal("126.00"),
        ),
        vat_breakdown=(
            VatBreakdown(
                taxable_amount=Decimal("105.00"), tax_amount=Decimal("21.00"), category="S", rate=Decimal("20")
            ),
            VatBreakdown(
                taxable_amount=Decimal("0"),
                tax_amount=Decimal("0"),
                category="E",
                rate=Decimal("0"),
                exemption_reason="Exempt",
                exemption_reason_code="VATEX-EU-132",
            ),
        ),
        attachments=(
            Attachment(
                reference="DOC-1",
                description="Timesheet",
                external_uri="https://example.com/t",
                content=b"a,b\n1,2\n",
                mime_code="text/csv",
                filename="t.csv",
            ),
            Attachment(reference="DOC-2"),
        ),
        lines=(
            InvoiceLine(
                id="1",
                note="Line note",
                object_identifier=Identifier("OBJ-1", "AAA"),
                quantity=Decimal("2.0000"),
                unit_code="C62",
                net_amount=Decimal("100.00"),
                order_line_reference="PO-LINE-3",
                accounting_reference="LINE-ACC",
                period=Period(start=date(2026, 1, 1), end=date(2026, 1, 31)),
                allowances_charges=(
                    AllowanceCharge(is_charge=False, amount=Decimal("1.00"), reason="Volume", reason_code="71"),
                    AllowanceCharge(
                        is_charge=True, amount=Decimal("1.00"), base_amount=Decimal("10"), percentage=Decimal("10")
                    ),
                ),
                price=Price(
                    net_price=Decimal("50.000000"),
                    discount=Decimal("5"),
                    gross_price=Decimal("55"),
                    base_quantity=Decimal("1"),
                    base_quantity_unit="C62",
                ),
                vat_category="S",
                vat_rate=Decimal("20.00"),
                item=Item(
                    name="Widget",
                    description="A widget",
                    seller_id="W-1",
                    buyer_id="B-W-1",
                    standard_id=Identifier("5012345678900", "0160"),
                    classifications=(Identifier("123", "STI", "2.1"), Identifier("456", "IB")),
                    origin_country="DE",
                    attributes=(ItemAttribute(name="Colour", value="Blue"), ItemAttribute(name="Size", value="L")),
                ),
            ),
            InvoiceLine(
                id="2",
                quantity=Decimal("1"),
                net_amount=Decimal("0"),
                price=Price(net_price=Decimal("0")),
                vat_category="E",
            ),
        ),
    )
    return dataclasses.replace(invoice, **changes)  # type: ignore[arg-type]


def render_tree(invoice: Invoice) -> etree._Element:
    return parse_xml(render_cii(invoice).data)


# -- order and round trip ----------------------------------------------------------------


def test_full_invoice_is_d16b_valid_and_round_trips(schema: Callable[[str], etree.XMLSchema]) -> None:
    invoice = full_invoice()
    result = render_cii(invoice)
    assert result.warnings == ()
    tree = parse_xml(result.data)
    d16b = schema(D16B)
    assert d16b.validate(tree), d16b.error_log
    again = read_cii(tree)
    assert again.warnings == ()
    assert again.invoice == invoice


def test_output_is_utf8_with_declaration() -> None:
    data = render_cii(full_invoice()).data
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<rsm:CrossIndustryInvoice ')
    assert "Bât. B".encode() in data


def test_pretty_and_compact_hold_the_same_document() -> None:
    invoice = full_invoice()
    compact = render_cii(invoice, pretty=False).data
    assert b"\n " not in compact
    assert read_cii(parse_xml(compact)).invoice == invoice
    assert render_cii(invoice).data.count(b"\n") > 100


def test_empty_groups_are_not_written(schema: Callable[[str], etree.XMLSchema]) -> None:
    invoice = Invoice(
        number="1",
        issue_date=date(2026, 1, 1),
        seller=Party(),
        buyer=Party(name="B", contact=Contact(), address=Address()),
        totals=Totals(),
        lines=(InvoiceLine(id="1", item=Item(), price=Price()),),
    )
    tree = render_tree(invoice)
    assert schema(D16B).validate(tree), schema(D16B).error_log
    for path in (
        "//ram:SellerTradeParty",
        "//ram:DefinedTradeContact",
        "//ram:PostalTradeAddress",
        "//ram:SpecifiedTradeSettlementHeaderMonetarySummation",
        "//ram:SpecifiedTradeProduct",
        "//ram:SpecifiedLineTradeAgreement",
    ):
        assert tree.xpath(path, namespaces=NS) == [], path
    assert tree.xpath("//ram:BuyerTradeParty/ram:Name/text()", namespaces=NS) == ["B"]


# -- syntax rules ------------------------------------------------------------------------


def test_currency_id_only_on_tax_total_amount() -> None:
    tree = render_tree(full_invoice())
    carriers = {etree.QName(node).localname for node in tree.xpath("//*[@currencyID]")}
    assert carriers == {"TaxTotalAmount"}
    totals = tree.xpath("//ram:TaxTotalAmount", namespaces=NS)
    assert [(node.get("currencyID"), node.text) for node in totals] == [("USD", "21.00"), ("EUR", "19.30")]


def test_bt111_needs_bt6() -> None:
    invoice = full_invoice(tax_currency=None)
    result = render_cii(invoice)
    assert [(w.code, w.term) for w in result.warnings] == [("cii.not-representable", "BT-111")]
    tree = parse_xml(result.data)
    assert tree.xpath("//ram:TaxTotalAmount/@currencyID", namespaces=NS) == ["USD"]


def test_vat_accounting_currency_equal_to_invoice_currency_is_left_out() -> None:
    result = render_cii(full_invoice(currency="EUR", tax_currency="EUR"))
    assert [(w.code, w.term) for w in result.warnings] == [
        ("cii.not-representable", "BT-6"),
        ("cii.not-representable", "BT-111"),
    ]
    tree = parse_xml(result.data)
    assert tree.xpath("//ram:TaxCurrencyCode", namespaces=NS) == []
    assert tree.xpath("//ram:TaxTotalAmount/@currencyID", namespaces=NS) == ["EUR"]


def test_dates_are_format_102() -> None:
    tree = render_tree(full_invoice())
    strings = tree.xpath("//udt:DateTimeString | //udt:DateString | //qdt:DateTimeString", namespaces=NS)
    # BT-2, BT-7, BT-9, BG-14 (2), BT-72, BT-26, BG-26 (2)
    assert len(strings) == 9
    for node in strings:
        assert node.get("format") == "102"
        assert re.fullmatch(r"\d{8}", node.text)
    assert tree.xpath("//rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString/text()", namespaces=NS) == [
        "20260131"
    ]
    assert tree.xpath(
        "//ram:InvoiceReferencedDocument/ram:FormattedIssueDateTime/qdt:DateTimeString/text()", namespaces=NS
    ) == ["20251201"]


def test_tax_point_date_once_and_code_on_every_header_tax() -> None:
    tree = render_tree(full_invoice())
    taxes = tree.xpath("//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax", namespaces=NS)
    assert len(taxes) == 2
    # CEN CII-SR-461: at most one TaxPointDate; CII-SR-462: DueDateTypeCode repeated with one value
    assert [tax.xpath("ram:TaxPointDate/udt:DateString/text()", namespaces=NS) for tax in taxes] == [["20260130"], []]
    assert [tax.xpath("ram:DueDateTypeCode/text()", namespaces=NS) for tax in taxes] == [["5"], ["5"]]
    assert [tax.xpath("ram:TypeCode/text()", namespaces=NS) for tax in taxes] == [["VAT"], ["VAT"]]


@pytest.mark.parametrize(("code", "written"), [("3", "5"), ("35", "29"), ("432", "72")])
def test_en16931_tax_point_code_is_written_in_untdid_2475(code: str, written: str) -> None:
    # The model holds BT-8 in UNTDID 2005 (EN 16931, UBL); CII says the same in UNTDID 2475: no loss, no warning.
    result = render_cii(full_invoice(tax_point_date=None, tax_point_date_code=code))
    assert result.warnings == ()
    assert set(parse_xml(result.data).xpath("//ram:DueDateTypeCode/text()", namespaces=NS)) == {written}
    assert read_cii(parse_xml(result.data)).invoice.tax_point_date_code == code


def test_tax_point_date_without_vat_breakdown_is_reported() -> None:
    result = render_cii(full_invoice(vat_breakdown=()))
    assert [(w.code, w.term) for w in result.warnings] == [("cii.not-representable", "BT-7")]
    assert b"TaxPointDate" not in result.data


def test_ids_without_scheme_first_then_global_ids() -> None:
    seller = dataclasses.replace(
        full_invoice().seller,  # type: ignore[arg-type]
        identifiers=(Identifier("5790000435975", "0088"), Identifier("SUP-1")),
    )
    tree = render_tree(full_invoice(seller=seller))
    (seller,) = tree.xpath("//ram:SellerTradeParty", namespaces=NS)
    ids = [(etree.QName(node).localname, node.get("schemeID"), node.text) for node in seller[:2]]
    assert ids == [("ID", None, "SUP-1"), ("GlobalID", "0088", "5790000435975")]
    assert tree.xpath("//ram:ShipToTradeParty/ram:GlobalID/@schemeID", namespaces=NS) == ["0088"]


def test_iban_or_proprietary_id() -> None:
    tree = render_tree(full_invoice())
    accounts = tree.xpath("//ram:PayeePartyCreditorFinancialAccount", namespaces=NS)
    assert [[etree.QName(child).localname for child in account] for account in accounts] == [
        ["IBANID", "AccountName"],
        ["ProprietaryID"],
    ]
    assert accounts[0][0].text == "DE89 3704 0044 0532 0130 00"


def test_project_name_follows_the_cen_convention() -> None:
    tree = render_tree(full_invoice())
    assert tree.xpath("//ram:SpecifiedProcuringProject/ram:Name/text()", namespaces=NS) == ["Project reference"]


def test_special_characters_are_escaped() -> None:
    data = render_cii(full_invoice()).data
    assert b"Penalties &lt; 3 \xc2\xb7 rate &amp; fees" in data
    note = read_cii(parse_xml(data)).invoice.notes[0]
    assert note.text == "Penalties < 3 · rate & fees"


def test_character_xml_cannot_carry_is_refused() -> None:
    with pytest.raises(ValueError, match="U\\+0001"):
        render_cii(full_invoice(number="F\x01"))


# -- preceding invoices ------------------------------------------------------------------


def test_d16b_holds_a_single_preceding_invoice() -> None:
    references = (PrecedingInvoice(reference="A-1"), PrecedingInvoice(reference="A-2", issue_date=date(2026, 1, 2)))
    result = render_cii(full_invoice(preceding_invoices=references))
    assert [(w.code, w.term) for w in result.warnings] == [("cii.single-preceding-invoice", "BG-3")]
    assert "A-2" in result.warnings[0].message
    tree = parse_xml(result.data)
    assert tree.xpath("//ram:InvoiceReferencedDocument/ram:IssuerAssignedID/text()", namespaces=NS) == ["A-1"]


def test_d22b_holds_several_preceding_invoices(schema: Callable[[str], etree.XMLSchema]) -> None:
    references = (PrecedingInvoice(reference="A-1"), PrecedingInvoice(reference="A-2"))
    invoice = full_invoice(preceding_invoices=references, specification=CTC_FR)
    result = render_cii(invoice)
    assert result.warnings == ()
    tree = parse_xml(result.data)
    d22b = schema(D22B)
    assert d22b.validate(tree), d22b.error_log
    assert read_cii(tree).invoice == invoice


def test_d22b_only_element_survives_through_extensions(
    corpus_dir: Path, schema: Callable[[str], etree.XMLSchema]
) -> None:
    source = parse_xml((corpus_dir / "cii/facturx-profiles/factur-x-extended.xml").read_bytes())
    (guideline,) = source.xpath("//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID", namespaces=NS)
    guideline.text = CTC_FR
    (issue,) = source.xpath("/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IssueDateTime", namespaces=NS)
    subtype = etree.Element(f"{{{NS['ram']}}}SubtypeCode")  # D22B only: EXTENDED-CTC-FR document subtype
    subtype.text = "MARKETPLACE"
    issue.addnext(subtype)
    read = read_cii(source)
    assert any(ext.name.endswith("rsm:ExchangedDocument/ram:SubtypeCode") for ext in read.invoice.extensions)
    tree = parse_xml(render_cii(read.invoice).data)
    d22b = schema(D22B)
    assert d22b.validate(tree), d22b.error_log
    assert tree.xpath("//rsm:ExchangedDocument/ram:SubtypeCode/text()", namespaces=NS) == ["MARKETPLACE"]
    assert read_cii(tree).invoice == read.invoice


# -- extensions --------------------------------------------------------------------------


def test_extended_element_is_restored_in_place(corpus_dir: Path) -> None:
    source = (corpus_dir / "cii/facturx-profiles/factur-x-extended.xml").read_bytes()
    read = read_cii(parse_xml(source))
    result = render_cii(read.invoice)
    assert result.warnings == ()
    tree = parse_xml(result.data)
    (first_line,) = tree.xpath("//ram:IncludedSupplyChainTradeLineItem[1]", namespaces=NS)
    notes = first_line.xpath("ram:AssociatedDocumentLineDocument/ram:IncludedNote", namespaces=NS)
    assert [[(etree.QName(child).localname, child.text) for child in note] for note in notes] == [
        [("Content", "DONT 0,50 EUR de DEEE"), ("SubjectCode", "BLU")],
        [("Content", "AUTRE NOTE"), ("SubjectCode", "SUR")],
    ]
    (tax,) = first_line.xpath("ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax", namespaces=NS)
    assert [etree.QName(child).localname for child in tax] == [
        "TypeCode",
        "ExemptionReason",
        "CategoryCode",
        "ExemptionReasonCode",
        "RateApplicablePercent",
    ]
    # restored elements use the root's prefixes, with no namespace re-declaration
    assert result.data.count(b"xmlns:ram=") == 1


def test_extension_of_another_syntax_is_reported() -> None:
    ubl = ExtensionElement(
        syntax="ubl",
        parent="/Invoice/cac:AccountingSupplierParty/cac:Party",
        after="cbc:EndpointID",
        xml='<cbc:WebsiteURI xmlns:cbc="urn:x">https://example.com</cbc:WebsiteURI>',
    )
    result = render_cii(full_invoice(extensions=(ubl,)))
    assert [(w.code, w.term) for w in result.warnings] == [("extension.not-representable", "EXT")]
    assert "cbc:WebsiteURI" in result.warnings[0].message
    assert b"WebsiteURI" not in result.data


def test_extension_without_parent_is_reported_unplaced() -> None:
    ram = NS["ram"]
    orphan = ExtensionElement(
        syntax="cii",
        parent="/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery/"
        "ram:UltimateShipToTradeParty",
        after=None,
        xml=f'<ram:Name xmlns:ram="{ram}">Nobody</ram:Name>',
    )
    placed = ExtensionElement(
        syntax="cii",
        parent="/rsm:CrossIndustryInvoice/rsm:ExchangedDocument",
        after="ram:IssueDateTime",
        xml=f'<ram:LanguageID xmlns:ram="{ram}">fr</ram:LanguageID>',
    )
    result = render_cii(full_invoice(extensions=(orphan, placed)))
    assert [(w.code, w.term) for w in result.warnings] == [("extension.unplaced", "EXT")]
    assert "UltimateShipToTradeParty" in result.warnings[0].message
    tree = parse_xml(result.data)
    (document,) = tree.xpath("/rsm:CrossIndustryInvoice/rsm:ExchangedDocument", namespaces=NS)
    assert [etree.QName(child).localname for child in document][:4] == ["ID", "TypeCode", "IssueDateTime", "LanguageID"]
    assert b"Nobody" not in result.data


def test_line_allowance_vat_category_is_not_representable() -> None:
    line = InvoiceLine(
        id="1", allowances_charges=(AllowanceCharge(is_charge=True, amount=Decimal(1), vat_category="S"),)
    )
    result = render_cii(Invoice(number="1", lines=(line,)))
    assert [(w.code, w.term) for w in result.warnings] == [("cii.not-representable", "BT-95")]
    assert b"CategoryTradeTax" not in result.data


def test_an_empty_container_is_written_empty_even_when_pretty() -> None:
    # Factur-X MINIMUM declares an empty ApplicableHeaderTradeDelivery: whitespace inside is invalid.
    data = render_cii(Invoice(number="1")).data.decode()
    assert "<ram:ApplicableHeaderTradeDelivery/>" in data
    assert "<ram:ApplicableHeaderTradeDelivery>\n" not in data
