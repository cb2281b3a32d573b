"""Targeted checks of the UBL 2.1 reader (formats.ubl.read_ubl)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from formats.conversion import ReadResult
from formats.errors import ParseError, UnsupportedFormat
from formats.model import Identifier, Note
from formats.ubl import read_ubl
from formats.xml_safety import parse_xml

NAMESPACES = (
    'xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
    'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"'
)
ROOT_NS = {
    "Invoice": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "CreditNote": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
}

SELLER = """
  <cac:PostalAddress><cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
  <cac:PartyLegalEntity><cbc:RegistrationName>Seller SA</cbc:RegistrationName></cac:PartyLegalEntity>"""
BUYER = """
  <cac:PostalAddress><cac:Country><cbc:IdentificationCode>DE</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
  <cac:PartyLegalEntity><cbc:RegistrationName>Buyer GmbH</cbc:RegistrationName></cac:PartyLegalEntity>"""
TAXES = """
  <cac:TaxTotal>
    <cbc:TaxAmount currencyID="EUR">20.00</cbc:TaxAmount>
    <cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="EUR">100.00</cbc:TaxableAmount>
      <cbc:TaxAmount currencyID="EUR">20.00</cbc:TaxAmount>
      <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>20</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
    </cac:TaxSubtotal>
  </cac:TaxTotal>"""
TOTALS = """
  <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>
  <cbc:TaxExclusiveAmount currencyID="EUR">100.00</cbc:TaxExclusiveAmount>
  <cbc:TaxInclusiveAmount currencyID="EUR">120.00</cbc:TaxInclusiveAmount>
  <cbc:PayableAmount currencyID="EUR">120.00</cbc:PayableAmount>"""


def line(*, credit_note: bool = False, body: str = "", item: str = "", price: str = "") -> str:
    """Return one InvoiceLine / CreditNoteLine; ``body`` goes after LineExtensionAmount."""
    tag = "CreditNoteLine" if credit_note else "InvoiceLine"
    quantity = "CreditedQuantity" if credit_note else "InvoicedQuantity"
    return f"""
  <cac:{tag}>
    <cbc:ID>1</cbc:ID>
    <cbc:{quantity} unitCode="C62">2</cbc:{quantity}>
    <cbc:LineExtensionAmount currencyID="EUR">100.00</cbc:LineExtensionAmount>{body}
    <cac:Item><cbc:Name>Widget</cbc:Name>{item}
      <cac:ClassifiedTaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>20</cbc:Percent>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>
    </cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="EUR">50.00</cbc:PriceAmount>{price}</cac:Price>
  </cac:{tag}>"""


def ubl(
    *,
    root: str = "Invoice",
    head: str = "",
    type_code: str | None = None,
    notes: str = "",
    after_currency: str = "",
    references: str = "",
    seller: str = SELLER,
    buyer: str = BUYER,
    after_parties: str = "",
    payment: str = "",
    allowances: str = "",
    taxes: str = TAXES,
    totals: str = TOTALS,
    lines: str | None = None,
) -> bytes:
    """Return a small UBL document; each keyword fills its place in the XSD sequence.

    ``head`` goes between IssueDate and the type code (DueDate, IssueTime, TaxPointDate on a CreditNote).
    """
    credit_note = root == "CreditNote"
    type_tag = "CreditNoteTypeCode" if credit_note else "InvoiceTypeCode"
    type_code = type_code or ("381" if credit_note else "380")
    lines = line(credit_note=credit_note) if lines is None else lines
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<{root} xmlns="{ROOT_NS[root]}" {NAMESPACES}>
  <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
  <cbc:ID>INV-1</cbc:ID>
  <cbc:IssueDate>2024-01-31</cbc:IssueDate>{head}
  <cbc:{type_tag}>{type_code}</cbc:{type_tag}>{notes}
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>{after_currency}{references}
  <cac:AccountingSupplierParty><cac:Party>{seller}</cac:Party></cac:AccountingSupplierParty>
  <cac:AccountingCustomerParty><cac:Party>{buyer}</cac:Party></cac:AccountingCustomerParty>{after_parties}{payment}
  {allowances}{taxes}
  <cac:LegalMonetaryTotal>{totals}</cac:LegalMonetaryTotal>{lines}
</{root}>""".encode()


def read(data: bytes) -> ReadResult:
    return read_ubl(parse_xml(data))


# -- the document itself --------------------------------------------------------------


def test_reads_the_header_terms() -> None:
    result = read(ubl(head="<cbc:DueDate>2024-02-29</cbc:DueDate>"))
    invoice = result.invoice
    assert invoice.number == "INV-1"
    assert invoice.issue_date == date(2024, 1, 31)
    assert invoice.due_date == date(2024, 2, 29)
    assert invoice.type_code == "380"
    assert invoice.currency == "EUR"
    assert invoice.specification == "urn:cen.eu:en16931:2017"
    assert invoice.seller is not None and invoice.seller.name == "Seller SA"
    assert invoice.buyer is not None and invoice.buyer.address is not None
    assert invoice.buyer.address.country_code == "DE"
    assert invoice.extensions == ()
    assert result.warnings == ()


def test_refuses_another_root() -> None:
    other = b'<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"><ID>1</ID></Order>'
    with pytest.raises(UnsupportedFormat, match="Order"):
        read(other)


def test_notes_carry_the_subject_code_convention() -> None:
    notes = """
  <cbc:Note>#AAI#General information</cbc:Note>
  <cbc:Note>no subject</cbc:Note>
  <cbc:Note>#ABCD#four letters is no subject code</cbc:Note>
  <cbc:Note>#PMT#first line
second line</cbc:Note>"""
    invoice = read(ubl(notes=notes)).invoice
    assert invoice.notes == (
        Note(text="General information", subject_code="AAI"),
        Note(text="no subject"),
        Note(text="#ABCD#four letters is no subject code"),
        Note(text="first line\nsecond line", subject_code="PMT"),
    )


def test_order_reference_na_stands_for_a_missing_purchase_order() -> None:
    order = "<cac:OrderReference><cbc:ID>NA</cbc:ID><cbc:SalesOrderID>SO-7</cbc:SalesOrderID></cac:OrderReference>"
    with_sales = read(ubl(references=order))
    assert with_sales.invoice.purchase_order_reference is None
    assert with_sales.invoice.sales_order_reference == "SO-7"
    # Without BT-14, "NA" is a real purchase order number.
    alone = read(ubl(references="<cac:OrderReference><cbc:ID>NA</cbc:ID></cac:OrderReference>"))
    assert alone.invoice.purchase_order_reference == "NA"
    assert alone.invoice.sales_order_reference is None


def test_document_references_map_to_their_terms() -> None:
    references = """
  <cac:InvoicePeriod><cbc:StartDate>2024-01-01</cbc:StartDate><cbc:EndDate>2024-01-31</cbc:EndDate>
    <cbc:DescriptionCode>35</cbc:DescriptionCode></cac:InvoicePeriod>
  <cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>F-1</cbc:ID>
    <cbc:IssueDate>2023-12-01</cbc:IssueDate></cac:InvoiceDocumentReference></cac:BillingReference>
  <cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>F-2</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference>
  <cac:DespatchDocumentReference><cbc:ID>DES-1</cbc:ID></cac:DespatchDocumentReference>
  <cac:ReceiptDocumentReference><cbc:ID>REC-1</cbc:ID></cac:ReceiptDocumentReference>
  <cac:OriginatorDocumentReference><cbc:ID>LOT-1</cbc:ID></cac:OriginatorDocumentReference>
  <cac:ContractDocumentReference><cbc:ID>CON-1</cbc:ID></cac:ContractDocumentReference>
  <cac:AdditionalDocumentReference><cbc:ID schemeID="AHK">OBJ-1</cbc:ID>
    <cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>
  <cac:AdditionalDocumentReference><cbc:ID>ATT-1</cbc:ID><cbc:DocumentDescription>Timesheet</cbc:DocumentDescription>
    <cac:Attachment><cbc:EmbeddedDocumentBinaryObject mimeCode="text/csv" filename="t.csv">
      aGVsbG8s
      d29ybGQ=
    </cbc:EmbeddedDocumentBinaryObject>
    <cac:ExternalReference><cbc:URI>https://example.com/t.csv</cbc:URI></cac:ExternalReference></cac:Attachment>
  </cac:AdditionalDocumentReference>
  <cac:ProjectReference><cbc:ID>PRJ-1</cbc:ID></cac:ProjectReference>"""
    after_currency = """
  <cbc:AccountingCost>4000</cbc:AccountingCost>
  <cbc:BuyerReference>LEITWEG-1</cbc:BuyerReference>"""
    invoice = read(ubl(after_currency=after_currency, references=references)).invoice
    assert invoice.buyer_accounting_reference == "4000"
    assert invoice.buyer_reference == "LEITWEG-1"
    assert invoice.invoicing_period is not None
    assert (invoice.invoicing_period.start, invoice.invoicing_period.end) == (date(2024, 1, 1), date(2024, 1, 31))
    assert invoice.tax_point_date_code == "35"
    assert [(p.reference, p.issue_date) for p in invoice.preceding_invoices] == [
        ("F-1", date(2023, 12, 1)),
        ("F-2", None),
    ]
    assert invoice.despatch_advice_reference == "DES-1"
    assert invoice.receiving_advice_reference == "REC-1"
    assert invoice.tender_reference == "LOT-1"
    assert invoice.contract_reference == "CON-1"
    assert invoice.project_reference == "PRJ-1"
    assert invoice.invoiced_object == Identifier("OBJ-1", "AHK")
    (attachment,) = invoice.attachments
    assert attachment.reference == "ATT-1"
    assert attachment.description == "Timesheet"
    assert attachment.content == b"hello,world"
    assert (attachment.mime_code, attachment.filename) == ("text/csv", "t.csv")
    assert attachment.external_uri == "https://example.com/t.csv"
    assert invoice.extensions == ()


def test_additional_reference_with_another_type_code_is_an_attachment_keeping_the_code() -> None:
    references = """
  <cac:AdditionalDocumentReference><cbc:ID>RIB-1</cbc:ID><cbc:DocumentTypeCode>916</cbc:DocumentTypeCode>
    <cbc:DocumentDescription>RIB</cbc:DocumentDescription></cac:AdditionalDocumentReference>"""
    invoice = read(ubl(references=references)).invoice
    assert invoice.invoiced_object is None
    assert [(a.reference, a.description) for a in invoice.attachments] == [("RIB-1", "RIB")]
    (extension,) = invoice.extensions
    assert extension.parent == "/inv:Invoice/cac:AdditionalDocumentReference"
    assert extension.after == "cbc:ID"
    assert ">916<" in extension.xml


def test_bad_base64_names_the_element() -> None:
    references = """
  <cac:AdditionalDocumentReference><cbc:ID>A</cbc:ID><cac:Attachment>
    <cbc:EmbeddedDocumentBinaryObject mimeCode="text/csv" filename="a.csv">not*base64</cbc:EmbeddedDocumentBinaryObject>
  </cac:Attachment></cac:AdditionalDocumentReference>"""
    with pytest.raises(ParseError, match="cbc:EmbeddedDocumentBinaryObject: content is not valid base64"):
        read(ubl(references=references))


# -- parties ----------------------------------------------------------------------------

FULL_SELLER = """
  <cbc:EndpointID schemeID="0225">123456789_01</cbc:EndpointID>
  <cac:PartyIdentification><cbc:ID schemeID="0009">12345678900011</cbc:ID></cac:PartyIdentification>
  <cac:PartyIdentification><cbc:ID schemeID="SEPA">FR12ZZZ123456</cbc:ID></cac:PartyIdentification>
  <cac:PartyIdentification><cbc:ID>OWN-1</cbc:ID></cac:PartyIdentification>
  <cac:PartyName><cbc:Name>Trading name</cbc:Name></cac:PartyName>
  <cac:PostalAddress>
    <cbc:StreetName>1 rue A</cbc:StreetName><cbc:AdditionalStreetName>Bât. B</cbc:AdditionalStreetName>
    <cbc:CityName>Lyon</cbc:CityName><cbc:PostalZone>69001</cbc:PostalZone>
    <cbc:CountrySubentity>Rhône</cbc:CountrySubentity>
    <cac:AddressLine><cbc:Line>Étage 3</cbc:Line></cac:AddressLine>
    <cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country>
  </cac:PostalAddress>
  <cac:PartyTaxScheme><cbc:CompanyID>FR11123456789</cbc:CompanyID>
    <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
  <cac:PartyTaxScheme><cbc:CompanyID>LOCAL-42</cbc:CompanyID>
    <cac:TaxScheme><cbc:ID>FC</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
  <cac:PartyLegalEntity><cbc:RegistrationName>Seller SA</cbc:RegistrationName>
    <cbc:CompanyID schemeID="0002">123456789</cbc:CompanyID>
    <cbc:CompanyLegalForm>SA au capital de 1 000 €</cbc:CompanyLegalForm></cac:PartyLegalEntity>
  <cac:Contact><cbc:Name>Jo</cbc:Name><cbc:Telephone>+33 1</cbc:Telephone>
    <cbc:ElectronicMail>jo@example.com</cbc:ElectronicMail></cac:Contact>"""


def test_reads_every_party_term_and_takes_bt90_out_of_the_identifiers() -> None:
    invoice = read(ubl(seller=FULL_SELLER)).invoice
    seller = invoice.seller
    assert seller is not None
    assert seller.electronic_address == Identifier("123456789_01", "0225")
    assert seller.identifiers == (Identifier("12345678900011", "0009"), Identifier("OWN-1"))
    assert invoice.creditor_reference == "FR12ZZZ123456"
    assert seller.trading_name == "Trading name"
    assert seller.vat_id == "FR11123456789"
    assert seller.tax_registration_id == "LOCAL-42"
    assert seller.legal_registration == Identifier("123456789", "0002")
    assert seller.additional_legal_info == "SA au capital de 1 000 €"
    assert seller.address is not None
    assert (seller.address.line1, seller.address.line2, seller.address.line3) == ("1 rue A", "Bât. B", "Étage 3")
    assert (seller.address.city, seller.address.post_code, seller.address.country_subdivision) == (
        "Lyon",
        "69001",
        "Rhône",
    )
    assert seller.contact is not None and seller.contact.email == "jo@example.com"
    assert invoice.extensions == ()


def test_creditor_reference_is_read_from_the_payee_too() -> None:
    payee = """
  <cac:PayeeParty>
    <cac:PartyIdentification><cbc:ID schemeID="0088">5790000435968</cbc:ID></cac:PartyIdentification>
    <cac:PartyIdentification><cbc:ID schemeID="sepa">DE98ZZZ09999999999</cbc:ID></cac:PartyIdentification>
    <cac:PartyName><cbc:Name>Factoring AG</cbc:Name></cac:PartyName>
    <cac:PartyLegalEntity><cbc:CompanyID schemeID="0007">5566778899</cbc:CompanyID></cac:PartyLegalEntity>
  </cac:PayeeParty>"""
    invoice = read(ubl(after_parties=payee)).invoice
    assert invoice.creditor_reference == "DE98ZZZ09999999999"
    assert invoice.payee is not None
    assert invoice.payee.identifiers == (Identifier("5790000435968", "0088"),)
    assert invoice.payee.name == "Factoring AG"
    assert invoice.payee.legal_registration == Identifier("5566778899", "0007")


def test_buyer_terms_that_only_exist_for_the_seller_are_kept_as_extensions() -> None:
    buyer = (
        BUYER
        + """
  <cac:PartyTaxScheme><cbc:CompanyID>NO987654321MVA</cbc:CompanyID>
    <cac:TaxScheme><cbc:ID>VA</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>"""
    )
    invoice = read(ubl(buyer=buyer)).invoice
    assert invoice.buyer is not None
    assert invoice.buyer.vat_id is None
    assert invoice.buyer.tax_registration_id is None
    (extension,) = invoice.extensions
    assert extension.parent == "/inv:Invoice/cac:AccountingCustomerParty/cac:Party"
    assert extension.after == "cac:PartyLegalEntity"
    assert "NO987654321MVA" in extension.xml


def test_delivery_and_tax_representative() -> None:
    after_parties = """
  <cac:TaxRepresentativeParty>
    <cac:PartyName><cbc:Name>Rep Ltd</cbc:Name></cac:PartyName>
    <cac:PostalAddress><cac:Country><cbc:IdentificationCode>BE</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
    <cac:PartyTaxScheme><cbc:CompanyID>BE0123456789</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
  </cac:TaxRepresentativeParty>
  <cac:Delivery>
    <cbc:ActualDeliveryDate>2024-01-15</cbc:ActualDeliveryDate>
    <cac:DeliveryLocation><cbc:ID schemeID="0088">5790000435944</cbc:ID>
      <cac:Address><cbc:CityName>Gent</cbc:CityName></cac:Address></cac:DeliveryLocation>
    <cac:DeliveryParty><cac:PartyName><cbc:Name>Warehouse</cbc:Name></cac:PartyName></cac:DeliveryParty>
  </cac:Delivery>"""
    invoice = read(ubl(after_parties=after_parties)).invoice
    representative = invoice.tax_representative
    assert representative is not None
    assert (representative.name, representative.vat_id) == ("Rep Ltd", "BE0123456789")
    assert representative.address is not None and representative.address.country_code == "BE"
    delivery = invoice.delivery
    assert delivery is not None
    assert delivery.actual_date == date(2024, 1, 15)
    assert delivery.location == Identifier("5790000435944", "0088")
    assert delivery.address is not None and delivery.address.city == "Gent"
    assert delivery.party_name == "Warehouse"


# -- payment ----------------------------------------------------------------------------


def test_payment_means_and_direct_debit() -> None:
    payment = """
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode name="Credit transfer">30</cbc:PaymentMeansCode>
    <cbc:PaymentID>REF-1</cbc:PaymentID>
    <cac:PayeeFinancialAccount><cbc:ID>FR7630001007941234567890185</cbc:ID><cbc:Name>Seller SA</cbc:Name>
      <cac:FinancialInstitutionBranch><cbc:ID>BDFEFRPP</cbc:ID></cac:FinancialInstitutionBranch>
    </cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>59</cbc:PaymentMeansCode>
    <cbc:PaymentID>REF-1</cbc:PaymentID>
    <cac:PaymentMandate><cbc:ID>MANDATE-9</cbc:ID>
      <cac:PayerFinancialAccount><cbc:ID>DE02120300000000202051</cbc:ID></cac:PayerFinancialAccount></cac:PaymentMandate>
  </cac:PaymentMeans>
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>54</cbc:PaymentMeansCode>
    <cac:CardAccount><cbc:PrimaryAccountNumberID>1234</cbc:PrimaryAccountNumberID><cbc:NetworkID>VISA</cbc:NetworkID>
      <cbc:HolderName>J Doe</cbc:HolderName></cac:CardAccount>
  </cac:PaymentMeans>
  <cac:PaymentTerms><cbc:Note>30 days net</cbc:Note></cac:PaymentTerms>"""
    result = read(ubl(payment=payment))
    invoice = result.invoice
    transfer, debit, card = invoice.payment_means
    assert (transfer.type_code, transfer.text) == ("30", "Credit transfer")
    assert transfer.credit_transfer is not None
    assert transfer.credit_transfer.account_id == "FR7630001007941234567890185"
    assert transfer.credit_transfer.account_name == "Seller SA"
    assert transfer.credit_transfer.service_provider_id == "BDFEFRPP"
    assert debit.debited_account == "DE02120300000000202051"
    assert card.card is not None
    assert (card.card.primary_account_number, card.card.holder_name) == ("1234", "J Doe")
    assert invoice.remittance_information == "REF-1"
    assert invoice.mandate_reference == "MANDATE-9"
    assert invoice.payment_terms == "30 days net"
    assert result.warnings == ()
    # NetworkID is mandatory in UBL but no business term: kept, to be written back.
    (network,) = invoice.extensions
    assert network.parent == "/inv:Invoice/cac:PaymentMeans[3]/cac:CardAccount"
    assert network.after == "cbc:PrimaryAccountNumberID"


def test_differing_remittance_information_keeps_the_first_and_warns() -> None:
    payment = """
  <cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode><cbc:PaymentID>A</cbc:PaymentID></cac:PaymentMeans>
  <cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode><cbc:PaymentID>B</cbc:PaymentID></cac:PaymentMeans>"""
    result = read(ubl(payment=payment))
    assert result.invoice.remittance_information == "A"
    (warning,) = result.warnings
    assert (warning.code, warning.term) == ("ubl.differing-remittance-information", "BT-83")
    assert "'B'" in warning.message


def test_second_payment_terms_is_kept_as_an_extension() -> None:
    payment = """
  <cac:PaymentTerms><cbc:Note>first</cbc:Note></cac:PaymentTerms>
  <cac:PaymentTerms><cbc:Note>second</cbc:Note></cac:PaymentTerms>"""
    invoice = read(ubl(payment=payment)).invoice
    assert invoice.payment_terms == "first"
    (extension,) = invoice.extensions
    assert (extension.parent, extension.after) == ("/inv:Invoice", "cac:PaymentTerms")
    assert "second" in extension.xml


# -- credit notes -----------------------------------------------------------------------


def test_credit_note_reads_its_own_element_names_and_the_due_date_in_payment_means() -> None:
    payment = """
  <cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
    <cbc:PaymentDueDate>2024-03-01</cbc:PaymentDueDate></cac:PaymentMeans>"""
    references = """
  <cac:AdditionalDocumentReference><cbc:ID>PRJ-9</cbc:ID>
    <cbc:DocumentTypeCode>50</cbc:DocumentTypeCode></cac:AdditionalDocumentReference>"""
    invoice = read(ubl(root="CreditNote", payment=payment, references=references)).invoice
    assert invoice.is_credit_note
    assert invoice.type_code == "381"
    assert invoice.due_date == date(2024, 3, 1)
    assert invoice.project_reference == "PRJ-9"
    assert invoice.attachments == ()
    (credit_line,) = invoice.lines
    assert (credit_line.quantity, credit_line.unit_code) == (Decimal("2"), "C62")
    assert invoice.extensions == ()


def test_invoice_payment_due_date_is_not_bt9() -> None:
    payment = """
  <cac:PaymentMeans><cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
    <cbc:PaymentDueDate>2024-03-01</cbc:PaymentDueDate></cac:PaymentMeans>"""
    invoice = read(ubl(payment=payment)).invoice
    assert invoice.due_date is None
    (extension,) = invoice.extensions
    assert extension.parent == "/inv:Invoice/cac:PaymentMeans"


# -- amounts, allowances, taxes -----------------------------------------------------------


def test_decimals_keep_the_source_precision() -> None:
    invoice = read(ubl()).invoice
    assert invoice.totals is not None
    payable = invoice.totals.payable
    assert payable == Decimal("120.00")
    assert payable is not None and payable.as_tuple().exponent == -2
    assert invoice.vat_breakdown[0].rate == Decimal("20")
    assert str(invoice.vat_breakdown[0].rate) == "20"


@pytest.mark.parametrize("bad", ["abc", "1e3", "NaN", "Infinity", "-inf", "sNaN", "1_000", "", ".", "١٢"])
def test_a_malformed_number_names_the_element(bad: str) -> None:
    totals = TOTALS.replace('"EUR">120.00</cbc:PayableAmount>', f'"EUR">{bad}</cbc:PayableAmount>')
    with pytest.raises(ParseError) as caught:
        read(ubl(totals=totals))
    assert str(caught.value) == f"cbc:PayableAmount: {bad!r} is not a decimal"
    assert caught.value.path == "/inv:Invoice/cac:LegalMonetaryTotal/cbc:PayableAmount"


@pytest.mark.parametrize("bad", ["2024-02-30", "20240131", "2024-W05-3", "31/01/2024"])
def test_a_malformed_date_names_the_element(bad: str) -> None:
    with pytest.raises(ParseError, match=f"^cbc:DueDate: '{bad}' is not a date"):
        read(ubl(head=f"<cbc:DueDate>{bad}</cbc:DueDate>"))


def test_a_malformed_charge_indicator_names_the_element() -> None:
    allowances = """<cac:AllowanceCharge><cbc:ChargeIndicator>yes</cbc:ChargeIndicator>
      <cbc:Amount currencyID="EUR">1</cbc:Amount></cac:AllowanceCharge>"""
    with pytest.raises(ParseError, match="cbc:ChargeIndicator: 'yes' is not a boolean"):
        read(ubl(allowances=allowances))


def test_allowances_and_charges_keep_their_order_and_vat() -> None:
    allowances = """
  <cac:AllowanceCharge><cbc:ChargeIndicator>true</cbc:ChargeIndicator>
    <cbc:AllowanceChargeReasonCode>FC</cbc:AllowanceChargeReasonCode><cbc:AllowanceChargeReason>Freight</cbc:AllowanceChargeReason>
    <cbc:Amount currencyID="EUR">10.00</cbc:Amount>
    <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>20</cbc:Percent><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory>
  </cac:AllowanceCharge>
  <cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator>
    <cbc:AllowanceChargeReason>Discount</cbc:AllowanceChargeReason><cbc:MultiplierFactorNumeric>5</cbc:MultiplierFactorNumeric>
    <cbc:Amount currencyID="EUR">5.00</cbc:Amount><cbc:BaseAmount currencyID="EUR">100.00</cbc:BaseAmount>
    <cac:TaxCategory><cbc:ID>S</cbc:ID><cbc:Percent>20</cbc:Percent>
      <cac:TaxScheme><cbc:ID> vat </cbc:ID></cac:TaxScheme></cac:TaxCategory>
  </cac:AllowanceCharge>"""
    invoice = read(ubl(allowances=allowances)).invoice
    charge, allowance = invoice.allowances_charges
    assert charge.is_charge and not allowance.is_charge
    assert (charge.reason_code, charge.reason, charge.amount) == ("FC", "Freight", Decimal("10.00"))
    assert (allowance.percentage, allowance.base_amount) == (Decimal("5"), Decimal("100.00"))
    assert (allowance.vat_category, allowance.vat_rate) == ("S", Decimal("20"))
    assert invoice.extensions == ()  # " vat " is still the VAT scheme (CEN normalises and upper-cases)


def test_vat_accounting_currency_total_is_bt111() -> None:
    taxes = TAXES + '\n  <cac:TaxTotal><cbc:TaxAmount currencyID="SEK">230.00</cbc:TaxAmount></cac:TaxTotal>'
    invoice = read(ubl(after_currency="<cbc:TaxCurrencyCode>SEK</cbc:TaxCurrencyCode>", taxes=taxes)).invoice
    assert invoice.tax_currency == "SEK"
    assert invoice.totals is not None
    assert invoice.totals.tax_total == Decimal("20.00")
    assert invoice.totals.tax_total_accounting == Decimal("230.00")
    (breakdown,) = invoice.vat_breakdown
    assert (breakdown.taxable_amount, breakdown.tax_amount) == (Decimal("100.00"), Decimal("20.00"))
    assert (breakdown.category, breakdown.rate) == ("S", Decimal("20"))


def test_vat_breakdown_exemption_reason() -> None:
    taxes = """
  <cac:TaxTotal><cbc:TaxAmount currencyID="EUR">0</cbc:TaxAmount>
    <cac:TaxSubtotal>
      <cbc:TaxableAmount currencyID="EUR">100</cbc:TaxableAmount><cbc:TaxAmount currencyID="EUR">0</cbc:TaxAmount>
      <cac:TaxCategory><cbc:ID>E</cbc:ID><cbc:Percent>0</cbc:Percent>
        <cbc:TaxExemptionReasonCode>VATEX-EU-132</cbc:TaxExemptionReasonCode>
        <cbc:TaxExemptionReason>Exempt</cbc:TaxExemptionReason>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:TaxCategory></cac:TaxSubtotal>
  </cac:TaxTotal>"""
    (breakdown,) = read(ubl(taxes=taxes)).invoice.vat_breakdown
    assert (breakdown.exemption_reason_code, breakdown.exemption_reason) == ("VATEX-EU-132", "Exempt")


# -- lines --------------------------------------------------------------------------------


def test_reads_every_line_term() -> None:
    body = """
    <cbc:AccountingCost>6000</cbc:AccountingCost>
    <cac:InvoicePeriod><cbc:StartDate>2024-01-01</cbc:StartDate><cbc:EndDate>2024-01-31</cbc:EndDate></cac:InvoicePeriod>
    <cac:OrderLineReference><cbc:LineID>10</cbc:LineID></cac:OrderLineReference>
    <cac:DocumentReference><cbc:ID schemeID="ABZ">AWB-1</cbc:ID>
      <cbc:DocumentTypeCode>130</cbc:DocumentTypeCode></cac:DocumentReference>
    <cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator>
      <cbc:AllowanceChargeReasonCode>95</cbc:AllowanceChargeReasonCode>
      <cbc:Amount currencyID="EUR">1.50</cbc:Amount></cac:AllowanceCharge>"""
    item = """
      <cac:BuyersItemIdentification><cbc:ID>B-1</cbc:ID></cac:BuyersItemIdentification>
      <cac:SellersItemIdentification><cbc:ID>S-1</cbc:ID></cac:SellersItemIdentification>
      <cac:StandardItemIdentification><cbc:ID schemeID="0160">4012345000009</cbc:ID></cac:StandardItemIdentification>
      <cac:OriginCountry><cbc:IdentificationCode>IT</cbc:IdentificationCode></cac:OriginCountry>
      <cac:CommodityClassification>
        <cbc:ItemClassificationCode listID="HS" listVersionID="2022">8471</cbc:ItemClassificationCode>
      </cac:CommodityClassification>"""
    price = """<cbc:BaseQuantity unitCode="C62">1</cbc:BaseQuantity>
      <cac:AllowanceCharge><cbc:ChargeIndicator>false</cbc:ChargeIndicator>
        <cbc:Amount currencyID="EUR">5.00</cbc:Amount>
        <cbc:BaseAmount currencyID="EUR">55.00</cbc:BaseAmount></cac:AllowanceCharge>"""
    document = ubl(lines=line(body=body, item=item, price=price))
    # Description comes first in ItemType, and AdditionalItemProperty last.
    document = document.replace(b"<cac:Item><cbc:Name>", b"<cac:Item><cbc:Description>Blue</cbc:Description><cbc:Name>")
    document = document.replace(
        b"</cac:ClassifiedTaxCategory>",
        b"</cac:ClassifiedTaxCategory><cac:AdditionalItemProperty><cbc:Name>Colour</cbc:Name>"
        b"<cbc:Value>Blue</cbc:Value></cac:AdditionalItemProperty>",
    )
    invoice = read(document).invoice
    (invoice_line,) = invoice.lines
    assert invoice_line.id == "1"
    assert (invoice_line.quantity, invoice_line.unit_code, invoice_line.net_amount) == (
        Decimal("2"),
        "C62",
        Decimal("100.00"),
    )
    assert invoice_line.accounting_reference == "6000"
    assert invoice_line.period is not None and invoice_line.period.end == date(2024, 1, 31)
    assert invoice_line.order_line_reference == "10"
    assert invoice_line.object_identifier == Identifier("AWB-1", "ABZ")
    (allowance,) = invoice_line.allowances_charges
    assert (allowance.reason_code, allowance.amount, allowance.vat_category) == ("95", Decimal("1.50"), None)
    assert (invoice_line.vat_category, invoice_line.vat_rate) == ("S", Decimal("20"))
    line_item = invoice_line.item
    assert line_item is not None
    assert (line_item.name, line_item.description) == ("Widget", "Blue")
    assert (line_item.buyer_id, line_item.seller_id) == ("B-1", "S-1")
    assert line_item.standard_id == Identifier("4012345000009", "0160")
    assert line_item.origin_country == "IT"
    assert line_item.classifications == (Identifier("8471", "HS", "2022"),)
    assert [(a.name, a.value) for a in line_item.attributes] == [("Colour", "Blue")]
    line_price = invoice_line.price
    assert line_price is not None
    assert (line_price.net_price, line_price.discount, line_price.gross_price) == (
        Decimal("50.00"),
        Decimal("5.00"),
        Decimal("55.00"),
    )
    assert (line_price.base_quantity, line_price.base_quantity_unit) == (Decimal("1"), "C62")
    assert invoice.extensions == ()


def test_a_non_vat_line_tax_category_is_kept_whole() -> None:
    item = """
      <cac:ClassifiedTaxCategory><cbc:ID>ECO</cbc:ID><cbc:Percent>1</cbc:Percent>
        <cac:TaxScheme><cbc:ID>ENV</cbc:ID></cac:TaxScheme></cac:ClassifiedTaxCategory>"""
    document = ubl(lines=line(item=item))
    invoice = read(document).invoice
    (invoice_line,) = invoice.lines
    assert (invoice_line.vat_category, invoice_line.vat_rate) == ("S", Decimal("20"))
    (extension,) = invoice.extensions
    assert extension.parent == "/inv:Invoice/cac:InvoiceLine/cac:Item"
    assert extension.after == "cbc:Name"
    assert "ENV" in extension.xml


# -- leftovers ----------------------------------------------------------------------------


def test_unknown_elements_become_extensions_in_document_order() -> None:
    head = """
  <cbc:IssueTime>12:00:00</cbc:IssueTime>
  <!-- a comment is not data -->"""
    references = """
  <cac:OrderReference><cbc:ID>PO-1</cbc:ID><cbc:CustomerReference>CR-1</cbc:CustomerReference></cac:OrderReference>"""
    invoice = read(ubl(head=head, references=references)).invoice
    assert invoice.purchase_order_reference == "PO-1"
    assert [(e.parent, e.after) for e in invoice.extensions] == [
        ("/inv:Invoice", "cbc:IssueDate"),
        ("/inv:Invoice/cac:OrderReference", "cbc:ID"),
    ]
    assert invoice.extensions[0].xml == (
        '<cbc:IssueTime xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2">'
        "12:00:00</cbc:IssueTime>"
    )


def test_ubl_version_and_vat_markers_are_not_extensions() -> None:
    document = ubl().replace(b"<cbc:CustomizationID>", b"<cbc:UBLVersionID>2.1</cbc:UBLVersionID><cbc:CustomizationID>")
    assert read(document).invoice.extensions == ()


def test_a_line_document_reference_of_another_type_is_not_bt128() -> None:
    body = """
    <cac:DocumentReference><cbc:ID>DN-1</cbc:ID><cbc:DocumentTypeCode>916</cbc:DocumentTypeCode></cac:DocumentReference>"""
    invoice = read(ubl(lines=line(body=body))).invoice
    assert invoice.lines[0].object_identifier is None
    (extension,) = invoice.extensions
    assert (extension.parent, extension.after) == ("/inv:Invoice/cac:InvoiceLine", "cbc:LineExtensionAmount")
    assert extension.xml.startswith("<cac:DocumentReference")


def test_a_line_document_reference_without_type_code_is_bt128() -> None:
    body = "\n    <cac:DocumentReference><cbc:ID>Object2</cbc:ID></cac:DocumentReference>"
    invoice = read(ubl(lines=line(body=body))).invoice
    assert invoice.lines[0].object_identifier == Identifier("Object2")
    assert invoice.extensions == ()


def test_one_tax_amount_is_bt110_and_bt111_when_the_currencies_are_the_same() -> None:
    invoice = read(ubl(after_currency="<cbc:TaxCurrencyCode>EUR</cbc:TaxCurrencyCode>")).invoice
    assert invoice.totals is not None
    assert invoice.totals.tax_total == invoice.totals.tax_total_accounting == Decimal("20.00")
    # Without BT-6 there is no BT-111.
    plain = read(ubl()).invoice
    assert plain.totals is not None and plain.totals.tax_total_accounting is None
