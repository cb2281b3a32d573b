"""CII reader: business-term mapping, leftovers, refusals and parse errors."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from formats.cii import read_cii
from formats.conversion import ReadResult
from formats.errors import LegacyFormat, ParseError, UnsupportedFormat
from formats.model import Identifier
from formats.xml_safety import parse_xml

NAMESPACES = (
    'xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100" '
    'xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100" '
    'xmlns:qdt="urn:un:unece:uncefact:data:standard:QualifiedDataType:100" '
    'xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"'
)
ISSUE_DATE = '<ram:IssueDateTime><udt:DateTimeString format="102">20260131</udt:DateTimeString></ram:IssueDateTime>'


def cii(
    *,
    document: str = "",
    issue_date: str = ISSUE_DATE,
    lines: str = "",
    agreement: str = "",
    delivery: str = "",
    settlement: str = "<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>",
) -> bytes:
    """A small CII invoice with the given fragments in place."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice {NAMESPACES}>
  <rsm:ExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>urn:cen.eu:en16931:2017</ram:ID>
    </ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>INV-1</ram:ID><ram:TypeCode>380</ram:TypeCode>{issue_date}{document}
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>{lines}
    <ram:ApplicableHeaderTradeAgreement>{agreement}</ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery>{delivery}</ram:ApplicableHeaderTradeDelivery>
    <ram:ApplicableHeaderTradeSettlement>{settlement}</ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>""".encode()


def read(data: bytes) -> ReadResult:
    return read_cii(parse_xml(data))


def ext_names(result: ReadResult) -> list[str]:
    return [ext.name for ext in result.invoice.extensions]


# -- document level ----------------------------------------------------------------------


def test_document_terms() -> None:
    result = read(cii())
    invoice = result.invoice
    assert invoice.number == "INV-1"
    assert invoice.type_code == "380"
    assert invoice.issue_date == date(2026, 1, 31)
    assert invoice.specification == "urn:cen.eu:en16931:2017"
    assert invoice.currency == "EUR"
    assert invoice.extensions == ()
    assert result.warnings == ()


def test_notes_keep_subject_code() -> None:
    notes = (
        "<ram:IncludedNote><ram:Content>Penalties apply</ram:Content><ram:SubjectCode>PMD</ram:SubjectCode>"
        "</ram:IncludedNote><ram:IncludedNote><ram:Content>Plain note</ram:Content></ram:IncludedNote>"
    )
    invoice = read(cii(document=notes)).invoice
    assert [(note.text, note.subject_code) for note in invoice.notes] == [
        ("Penalties apply", "PMD"),
        ("Plain note", None),
    ]


def test_note_without_content_is_kept_whole() -> None:
    result = read(cii(document="<ram:IncludedNote><ram:SubjectCode>AAI</ram:SubjectCode></ram:IncludedNote>"))
    assert result.invoice.notes == ()
    assert ext_names(result) == ["/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IncludedNote"]


def test_comments_are_not_extensions() -> None:
    result = read(
        cii(document="<!-- a comment --><ram:IncludedNote><!-- x --><ram:Content>n</ram:Content></ram:IncludedNote>")
    )
    assert result.invoice.extensions == ()
    assert result.invoice.notes[0].text == "n"


# -- dates -------------------------------------------------------------------------------


def test_date_in_another_format_is_kept_as_extension_with_warning() -> None:
    other = '<ram:IssueDateTime><udt:DateTimeString format="203">202601311200</udt:DateTimeString></ram:IssueDateTime>'
    result = read(cii(issue_date=other))
    assert result.invoice.issue_date is None
    assert [(w.code, w.term) for w in result.warnings] == [("cii.date-format", "BT-2")]
    assert ext_names(result) == ["/rsm:CrossIndustryInvoice/rsm:ExchangedDocument/ram:IssueDateTime"]
    assert result.invoice.extensions[0].after == "ram:TypeCode"
    assert "202601311200" in result.invoice.extensions[0].xml


def test_impossible_102_date_is_a_parse_error_naming_the_element() -> None:
    bad = '<ram:IssueDateTime><udt:DateTimeString format="102">20260231</udt:DateTimeString></ram:IssueDateTime>'
    with pytest.raises(ParseError, match=r"ram:IssueDateTime/udt:DateTimeString.*20260231"):
        read(cii(issue_date=bad))


def test_tax_point_date_is_a_date_string_and_document_level() -> None:
    taxes = "".join(
        f"<ram:ApplicableTradeTax><ram:CalculatedAmount>1.00</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode>"
        f"<ram:CategoryCode>S</ram:CategoryCode>"
        f'<ram:TaxPointDate><udt:DateString format="102">{day}</udt:DateString></ram:TaxPointDate>'
        f"<ram:DueDateTypeCode>{code}</ram:DueDateTypeCode><ram:RateApplicablePercent>20</ram:RateApplicablePercent>"
        f"</ram:ApplicableTradeTax>"
        for day, code in (("20260115", "5"), ("20260116", "5"))
    )
    result = read(cii(settlement=taxes))
    assert result.invoice.tax_point_date == date(2026, 1, 15)
    assert result.invoice.tax_point_date_code == "3"  # UNTDID 2475 "5" read as EN 16931's UNTDID 2005 "3"
    assert len(result.invoice.vat_breakdown) == 2
    assert [(w.code, w.term) for w in result.warnings] == [("cii.differing-tax-point", "BT-7")]


# -- numbers -----------------------------------------------------------------------------


def test_numbers_keep_their_precision() -> None:
    totals = (
        "<ram:SpecifiedTradeSettlementHeaderMonetarySummation><ram:LineTotalAmount>100.00</ram:LineTotalAmount>"
        "<ram:TaxBasisTotalAmount> 100.5000 </ram:TaxBasisTotalAmount>"
        "</ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
    )
    totals_read = read(cii(settlement=totals)).invoice.totals
    assert totals_read is not None
    assert str(totals_read.line_total) == "100.00"
    assert str(totals_read.tax_exclusive) == "100.5000"


@pytest.mark.parametrize("text", ["12,50", "1e3", "NaN", "", "twelve"])
def test_malformed_number_is_a_parse_error_naming_the_element(text: str) -> None:
    totals = (
        "<ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
        f"<ram:GrandTotalAmount>{text}</ram:GrandTotalAmount>"
        "</ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
    )
    with pytest.raises(ParseError) as caught:
        read(cii(settlement=totals))
    assert "ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:GrandTotalAmount" in str(caught.value)
    assert caught.value.path is not None and caught.value.path.endswith("ram:GrandTotalAmount")


def test_malformed_indicator_is_a_parse_error() -> None:
    charge = (
        "<ram:SpecifiedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>maybe</udt:Indicator>"
        "</ram:ChargeIndicator><ram:ActualAmount>1</ram:ActualAmount></ram:SpecifiedTradeAllowanceCharge>"
    )
    with pytest.raises(ParseError, match="udt:Indicator"):
        read(cii(settlement=charge))


# -- totals: BT-110 / BT-111 -------------------------------------------------------------


def _summation(*amounts: str) -> str:
    return (
        "<ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
        + "".join(amounts)
        + "</ram:SpecifiedTradeSettlementHeaderMonetarySummation>"
    )


@pytest.mark.parametrize("reverse", [False, True], ids=["invoice-currency-first", "tax-currency-first"])
def test_tax_total_in_accounting_currency_is_bt111(reverse: bool) -> None:
    amounts = [
        '<ram:TaxTotalAmount currencyID="USD">21.00</ram:TaxTotalAmount>',
        '<ram:TaxTotalAmount currencyID="EUR">19.00</ram:TaxTotalAmount>',
    ]
    settlement = (
        "<ram:TaxCurrencyCode>EUR</ram:TaxCurrencyCode><ram:InvoiceCurrencyCode>USD</ram:InvoiceCurrencyCode>"
        + _summation(*(reversed(amounts) if reverse else amounts))
    )
    totals = read(cii(settlement=settlement)).invoice.totals
    assert totals is not None
    assert totals.tax_total == Decimal("21.00")
    assert totals.tax_total_accounting == Decimal("19.00")


def test_single_tax_total_without_bt6_is_bt110() -> None:
    settlement = "<ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>" + _summation(
        '<ram:TaxTotalAmount currencyID="EUR">19.00</ram:TaxTotalAmount>'
    )
    totals = read(cii(settlement=settlement)).invoice.totals
    assert totals is not None
    assert (totals.tax_total, totals.tax_total_accounting) == (Decimal("19.00"), None)


# -- parties -----------------------------------------------------------------------------


def test_party_ids_globalids_and_registrations() -> None:
    seller = """<ram:SellerTradeParty>
        <ram:ID>SUP-42</ram:ID>
        <ram:GlobalID schemeID="0088">5790000435975</ram:GlobalID>
        <ram:Name>Seller</ram:Name>
        <ram:Description>SARL au capital de 10 000 EUR</ram:Description>
        <ram:SpecifiedLegalOrganization><ram:ID schemeID="0002">123456782</ram:ID>
          <ram:TradingBusinessName>Brand</ram:TradingBusinessName></ram:SpecifiedLegalOrganization>
        <ram:DefinedTradeContact><ram:PersonName>Ann</ram:PersonName>
          <ram:TelephoneUniversalCommunication><ram:CompleteNumber>+33 1</ram:CompleteNumber>
          </ram:TelephoneUniversalCommunication>
          <ram:EmailURIUniversalCommunication><ram:URIID>ann@example.com</ram:URIID>
          </ram:EmailURIUniversalCommunication></ram:DefinedTradeContact>
        <ram:PostalTradeAddress><ram:PostcodeCode>75018</ram:PostcodeCode><ram:LineOne>1 rue</ram:LineOne>
          <ram:CityName>Paris</ram:CityName><ram:CountryID>FR</ram:CountryID></ram:PostalTradeAddress>
        <ram:URIUniversalCommunication><ram:URIID schemeID="0225">123456782_1</ram:URIID>
        </ram:URIUniversalCommunication>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">201/113/40209</ram:ID></ram:SpecifiedTaxRegistration>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FR11123456782</ram:ID></ram:SpecifiedTaxRegistration>
      </ram:SellerTradeParty>"""
    result = read(cii(agreement=seller))
    party = result.invoice.seller
    assert party is not None
    assert party.identifiers == (Identifier("SUP-42"), Identifier("5790000435975", "0088"))
    assert party.legal_registration == Identifier("123456782", "0002")
    assert party.trading_name == "Brand"
    assert party.additional_legal_info == "SARL au capital de 10 000 EUR"
    assert party.electronic_address == Identifier("123456782_1", "0225")
    assert (party.vat_id, party.tax_registration_id) == ("FR11123456782", "201/113/40209")
    assert party.contact is not None and party.contact.email == "ann@example.com"
    assert party.address is not None and party.address.city == "Paris"
    assert result.invoice.extensions == ()


def test_buyer_only_terms_exclude_seller_only_ones() -> None:
    buyer = (
        "<ram:BuyerTradeParty><ram:Name>Buyer</ram:Name><ram:Description>not BT-33</ram:Description>"
        '<ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">X1</ram:ID></ram:SpecifiedTaxRegistration>'
        "</ram:BuyerTradeParty>"
    )
    result = read(cii(agreement=buyer))
    assert result.invoice.buyer is not None
    assert result.invoice.buyer.additional_legal_info is None
    assert result.invoice.buyer.tax_registration_id is None
    assert [name.rsplit("/", 1)[1] for name in ext_names(result)] == [
        "ram:Description",
        "ram:SpecifiedTaxRegistration",
    ]


def test_department_name_is_bt41_only_without_person_name() -> None:
    alone = "<ram:SellerTradeParty><ram:DefinedTradeContact><ram:DepartmentName>Sales</ram:DepartmentName>"
    alone += "<ram:TypeCode>SR</ram:TypeCode></ram:DefinedTradeContact></ram:SellerTradeParty>"
    result = read(cii(agreement=alone))
    assert result.invoice.seller is not None and result.invoice.seller.contact is not None
    assert result.invoice.seller.contact.name == "Sales"
    # the TypeCode follows DepartmentName in the source; it must go back after PersonName
    assert [(ext.name.rsplit("/", 1)[1], ext.after) for ext in result.invoice.extensions] == [
        ("ram:TypeCode", "ram:PersonName")
    ]

    both = "<ram:SellerTradeParty><ram:DefinedTradeContact><ram:PersonName>Ann</ram:PersonName>"
    both += "<ram:DepartmentName>Sales</ram:DepartmentName></ram:DefinedTradeContact></ram:SellerTradeParty>"
    result = read(cii(agreement=both))
    assert result.invoice.seller is not None and result.invoice.seller.contact is not None
    assert result.invoice.seller.contact.name == "Ann"
    assert [name.rsplit("/", 1)[1] for name in ext_names(result)] == ["ram:DepartmentName"]


def test_container_with_only_unmapped_children_is_kept_whole() -> None:
    ship_to = "<ram:ShipToTradeParty><ram:RoleCode>DP</ram:RoleCode></ram:ShipToTradeParty>"
    result = read(cii(delivery=ship_to))
    assert result.invoice.delivery is None
    assert ext_names(result) == [
        "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeDelivery/"
        "ram:ShipToTradeParty"
    ]


def test_deliver_to_location_and_date() -> None:
    delivery = (
        '<ram:ShipToTradeParty><ram:GlobalID schemeID="0088">4000001000005</ram:GlobalID><ram:Name>Dock</ram:Name>'
        "</ram:ShipToTradeParty><ram:ActualDeliverySupplyChainEvent><ram:OccurrenceDateTime>"
        '<udt:DateTimeString format="102">20260120</udt:DateTimeString></ram:OccurrenceDateTime>'
        "</ram:ActualDeliverySupplyChainEvent><ram:DespatchAdviceReferencedDocument>"
        "<ram:IssuerAssignedID>DES-1</ram:IssuerAssignedID></ram:DespatchAdviceReferencedDocument>"
    )
    invoice = read(cii(delivery=delivery)).invoice
    assert invoice.delivery is not None
    assert invoice.delivery.location == Identifier("4000001000005", "0088")
    assert invoice.delivery.party_name == "Dock"
    assert invoice.delivery.actual_date == date(2026, 1, 20)
    assert invoice.despatch_advice_reference == "DES-1"


# -- references and attachments ----------------------------------------------------------


def test_additional_documents_dispatch_on_type_code() -> None:
    agreement = """
      <ram:AdditionalReferencedDocument><ram:IssuerAssignedID>DOC-1</ram:IssuerAssignedID>
        <ram:URIID>https://example.com/d</ram:URIID><ram:TypeCode>916</ram:TypeCode><ram:Name>Timesheet</ram:Name>
        <ram:AttachmentBinaryObject mimeCode="text/csv" filename="t.csv">aGVs
        bG8=</ram:AttachmentBinaryObject></ram:AdditionalReferencedDocument>
      <ram:AdditionalReferencedDocument><ram:IssuerAssignedID>LOT-7</ram:IssuerAssignedID>
        <ram:TypeCode>50</ram:TypeCode></ram:AdditionalReferencedDocument>
      <ram:AdditionalReferencedDocument><ram:IssuerAssignedID>METER-9</ram:IssuerAssignedID>
        <ram:TypeCode>130</ram:TypeCode><ram:ReferenceTypeCode>AVV</ram:ReferenceTypeCode>
      </ram:AdditionalReferencedDocument>
      <ram:AdditionalReferencedDocument><ram:IssuerAssignedID>X</ram:IssuerAssignedID>
        <ram:TypeCode>751</ram:TypeCode></ram:AdditionalReferencedDocument>
      <ram:SpecifiedProcuringProject><ram:ID>PRJ</ram:ID><ram:Name>Project reference</ram:Name>
      </ram:SpecifiedProcuringProject>"""
    result = read(cii(agreement=agreement))
    invoice = result.invoice
    (attachment,) = invoice.attachments
    assert attachment.reference == "DOC-1"
    assert attachment.description == "Timesheet"
    assert attachment.external_uri == "https://example.com/d"
    assert (attachment.content, attachment.mime_code, attachment.filename) == (b"hello", "text/csv", "t.csv")
    assert invoice.tender_reference == "LOT-7"
    assert invoice.invoiced_object == Identifier("METER-9", "AVV")
    assert invoice.project_reference == "PRJ"
    assert len(invoice.extensions) == 1
    assert ">751<" in invoice.extensions[0].xml
    assert result.warnings == ()


def test_project_name_other_than_the_cen_convention_is_reported() -> None:
    project = (
        "<ram:SpecifiedProcuringProject><ram:ID>P</ram:ID><ram:Name>Bridge</ram:Name></ram:SpecifiedProcuringProject>"
    )
    result = read(cii(agreement=project))
    assert result.invoice.project_reference == "P"
    assert [(w.code, w.term) for w in result.warnings] == [("cii.project-name", "BT-11")]


def test_invalid_base64_attachment_is_a_parse_error() -> None:
    agreement = (
        "<ram:AdditionalReferencedDocument><ram:IssuerAssignedID>D</ram:IssuerAssignedID>"
        "<ram:TypeCode>916</ram:TypeCode><ram:AttachmentBinaryObject>***</ram:AttachmentBinaryObject>"
        "</ram:AdditionalReferencedDocument>"
    )
    with pytest.raises(ParseError, match="AttachmentBinaryObject"):
        read(cii(agreement=agreement))


# -- payment -----------------------------------------------------------------------------


@pytest.mark.parametrize("element", ["IBANID", "ProprietaryID"])
def test_iban_or_proprietary_id_is_bt84(element: str) -> None:
    means = (
        "<ram:SpecifiedTradeSettlementPaymentMeans><ram:TypeCode>58</ram:TypeCode>"
        f"<ram:PayeePartyCreditorFinancialAccount><ram:{element}>ACCOUNT-1</ram:{element}>"
        "</ram:PayeePartyCreditorFinancialAccount><ram:PayeeSpecifiedCreditorFinancialInstitution>"
        "<ram:BICID>BANKFRPP</ram:BICID></ram:PayeeSpecifiedCreditorFinancialInstitution>"
        "</ram:SpecifiedTradeSettlementPaymentMeans>"
    )
    (read_means,) = read(cii(settlement=means)).invoice.payment_means
    assert read_means.type_code == "58"
    assert read_means.credit_transfer is not None
    assert read_means.credit_transfer.account_id == "ACCOUNT-1"
    assert read_means.credit_transfer.service_provider_id == "BANKFRPP"


def test_only_first_payment_terms_are_mapped() -> None:
    terms = (
        "<ram:SpecifiedTradePaymentTerms><ram:Description>30 days</ram:Description>"
        '<ram:DueDateDateTime><udt:DateTimeString format="102">20260302</udt:DateTimeString></ram:DueDateDateTime>'
        "<ram:DirectDebitMandateID>MANDATE</ram:DirectDebitMandateID></ram:SpecifiedTradePaymentTerms>"
        "<ram:SpecifiedTradePaymentTerms><ram:Description>second</ram:Description></ram:SpecifiedTradePaymentTerms>"
    )
    result = read(cii(settlement=terms))
    invoice = result.invoice
    assert (invoice.payment_terms, invoice.due_date, invoice.mandate_reference) == (
        "30 days",
        date(2026, 3, 2),
        "MANDATE",
    )
    assert [ext.after for ext in invoice.extensions] == ["ram:SpecifiedTradePaymentTerms"]


# -- lines -------------------------------------------------------------------------------

LINE = """<ram:IncludedSupplyChainTradeLineItem>
  <ram:AssociatedDocumentLineDocument><ram:LineID>1</ram:LineID></ram:AssociatedDocumentLineDocument>
  <ram:SpecifiedTradeProduct><ram:Name>Widget</ram:Name></ram:SpecifiedTradeProduct>
  <ram:SpecifiedLineTradeAgreement>
    <ram:GrossPriceProductTradePrice><ram:ChargeAmount>10.00</ram:ChargeAmount>{gross_basis}
    </ram:GrossPriceProductTradePrice>
    <ram:NetPriceProductTradePrice><ram:ChargeAmount>9.00</ram:ChargeAmount>{net_basis}
    </ram:NetPriceProductTradePrice>
  </ram:SpecifiedLineTradeAgreement>
  <ram:SpecifiedLineTradeDelivery><ram:BilledQuantity unitCode="C62">2</ram:BilledQuantity>
  </ram:SpecifiedLineTradeDelivery>
  <ram:SpecifiedLineTradeSettlement>
    <ram:SpecifiedTradeSettlementLineMonetarySummation><ram:LineTotalAmount>18.00</ram:LineTotalAmount>
    </ram:SpecifiedTradeSettlementLineMonetarySummation>
  </ram:SpecifiedLineTradeSettlement>
</ram:IncludedSupplyChainTradeLineItem>"""


@pytest.mark.parametrize(
    ("gross", "net", "expected", "leftover"),
    [
        ("", '<ram:BasisQuantity unitCode="C62">1</ram:BasisQuantity>', "1", False),
        ('<ram:BasisQuantity unitCode="C62">5</ram:BasisQuantity>', "", "5", False),
        (
            '<ram:BasisQuantity unitCode="C62">1.0</ram:BasisQuantity>',
            '<ram:BasisQuantity unitCode="C62">1</ram:BasisQuantity>',
            "1",
            False,
        ),
        (
            '<ram:BasisQuantity unitCode="C62">3</ram:BasisQuantity>',
            '<ram:BasisQuantity unitCode="C62">1</ram:BasisQuantity>',
            "1",
            True,
        ),
    ],
    ids=["net-only", "gross-only", "same-on-both", "different-on-both"],
)
def test_price_base_quantity_from_net_else_gross(gross: str, net: str, expected: str, leftover: bool) -> None:
    result = read(cii(lines=LINE.format(gross_basis=gross, net_basis=net)))
    (line,) = result.invoice.lines
    assert line.price is not None
    assert line.price.base_quantity == Decimal(expected)
    assert line.price.base_quantity_unit == "C62"
    assert (line.price.gross_price, line.price.net_price) == (Decimal("10.00"), Decimal("9.00"))
    assert [name.rsplit("/", 2)[1:] for name in ext_names(result)] == (
        [["ram:GrossPriceProductTradePrice", "ram:BasisQuantity"]] if leftover else []
    )


def test_line_terms() -> None:
    (line,) = read(cii(lines=LINE.format(gross_basis="", net_basis=""))).invoice.lines
    assert (line.id, line.quantity, line.unit_code, line.net_amount) == ("1", Decimal(2), "C62", Decimal("18.00"))
    assert line.item is not None and line.item.name == "Widget"


# -- what is not a CII invoice -----------------------------------------------------------


def test_zugferd_1_is_refused_as_legacy(corpus_dir: Path) -> None:
    data = (corpus_dir / "cii/zugferd-1.0-legacy/zugferd-basic.xml").read_bytes()
    with pytest.raises(LegacyFormat) as caught:
        read_cii(parse_xml(data))
    message = str(caught.value)
    assert "ZUGFeRD 1.0" in message
    assert "not EN 16931" in message
    assert "Factur-X" in message and "2.x" in message
    assert caught.value.code == "format.legacy"


@pytest.mark.parametrize(
    "data",
    [
        b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>',
        b"<note>hello</note>",
        b'<rsm:CrossIndustryDocument xmlns:rsm="urn:example:other"/>',
    ],
    ids=["ubl", "no-namespace", "other-namespace"],
)
def test_other_xml_is_unsupported(data: bytes) -> None:
    with pytest.raises(UnsupportedFormat) as caught:
        read_cii(parse_xml(data))
    assert not isinstance(caught.value, LegacyFormat)
    assert "CrossIndustryInvoice" in str(caught.value)


# -- EXTENDED data -----------------------------------------------------------------------


def test_extended_elements_are_kept_as_extensions(corpus_dir: Path) -> None:
    data = (corpus_dir / "cii/facturx-profiles/factur-x-extended.xml").read_bytes()
    result = read_cii(parse_xml(data))
    names = ext_names(result)
    line_one = "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem[1]"
    # EXT-FR-FE-183 (line note subject) and the second line note, beyond BT-127
    assert f"{line_one}/ram:AssociatedDocumentLineDocument/ram:IncludedNote[1]/ram:SubjectCode" in names
    assert f"{line_one}/ram:AssociatedDocumentLineDocument/ram:IncludedNote" in names
    # EXT-FR-FE-178/179: exemption reason on a line VAT
    assert f"{line_one}/ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:ExemptionReason" in names
    (line_one_model, *_) = result.invoice.lines
    assert line_one_model.note == "DONT 0,50 EUR de DEEE"
    assert line_one_model.vat_category == "E"


def test_leftover_after_a_moved_gross_base_quantity_goes_after_the_price() -> None:
    gross = (
        '<ram:BasisQuantity unitCode="C62">1</ram:BasisQuantity>'
        "<ram:AppliedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>true</udt:Indicator>"
        "</ram:ChargeIndicator><ram:ActualAmount>1.00</ram:ActualAmount></ram:AppliedTradeAllowanceCharge>"
    )
    result = read(cii(lines=LINE.format(gross_basis=gross, net_basis="")))
    (line,) = result.invoice.lines
    assert line.price is not None and line.price.discount is None and line.price.base_quantity == Decimal(1)
    # a surcharge on the gross price is no BT-147: kept whole, and since the base
    # quantity it followed is written on the net price, it is re-anchored on ChargeAmount
    (ext,) = result.invoice.extensions
    assert ext.name.endswith("ram:GrossPriceProductTradePrice/ram:AppliedTradeAllowanceCharge")
    assert ext.after == "ram:ChargeAmount"


def test_tax_other_than_vat_is_kept_whole() -> None:
    settlement = (
        "<ram:ApplicableTradeTax><ram:CalculatedAmount>2.00</ram:CalculatedAmount><ram:TypeCode>LOC</ram:TypeCode>"
        "<ram:CategoryCode>S</ram:CategoryCode></ram:ApplicableTradeTax>"
        "<ram:ApplicableTradeTax><ram:CalculatedAmount>19.00</ram:CalculatedAmount><ram:TypeCode>VAT</ram:TypeCode>"
        "<ram:CategoryCode>S</ram:CategoryCode></ram:ApplicableTradeTax>"
    )
    result = read(cii(settlement=settlement))
    assert [vat.tax_amount for vat in result.invoice.vat_breakdown] == [Decimal("19.00")]
    (ext,) = result.invoice.extensions
    assert ">LOC<" in ext.xml


def test_allowance_without_charge_indicator_is_kept_whole() -> None:
    settlement = (
        "<ram:SpecifiedTradeAllowanceCharge><ram:ActualAmount>5.00</ram:ActualAmount>"
        "<ram:Reason>?</ram:Reason></ram:SpecifiedTradeAllowanceCharge>"
    )
    result = read(cii(settlement=settlement))
    assert result.invoice.allowances_charges == ()
    assert [name.rsplit("/", 1)[1] for name in ext_names(result)] == ["ram:SpecifiedTradeAllowanceCharge"]


def test_document_allowance_with_vat_category() -> None:
    settlement = (
        "<ram:SpecifiedTradeAllowanceCharge><ram:ChargeIndicator><udt:Indicator>true</udt:Indicator>"
        "</ram:ChargeIndicator><ram:CalculationPercent>10</ram:CalculationPercent>"
        "<ram:BasisAmount>100.00</ram:BasisAmount><ram:ActualAmount>10.00</ram:ActualAmount>"
        "<ram:ReasonCode>FC</ram:ReasonCode><ram:Reason>Freight</ram:Reason><ram:CategoryTradeTax>"
        "<ram:TypeCode>VAT</ram:TypeCode><ram:CategoryCode>S</ram:CategoryCode>"
        "<ram:RateApplicablePercent>20.00</ram:RateApplicablePercent></ram:CategoryTradeTax>"
        "</ram:SpecifiedTradeAllowanceCharge>"
    )
    (charge,) = read(cii(settlement=settlement)).invoice.allowances_charges
    assert charge.is_charge
    assert (charge.percentage, charge.base_amount, charge.amount) == (Decimal(10), Decimal("100.00"), Decimal("10.00"))
    assert (charge.reason_code, charge.reason, charge.vat_category, charge.vat_rate) == (
        "FC",
        "Freight",
        "S",
        Decimal("20.00"),
    )
