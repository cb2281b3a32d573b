"""Shared machinery of the CII reader: child dispatch, leftovers, numbers, dates.

Each container is read by iterating its children once and dispatching on the
local name (``LOCAL[child.tag]``); whatever a container function does not map
goes to :meth:`ReadContext.leftover`. No XPath runs on the hot path.
Loops walk ``element[:]``, a child list lxml builds in C: for the small containers
of an invoice it costs half of lxml's child iterator.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import TypeVar

from lxml import etree

from formats.cii.namespaces import QDT, RAM, UDT, URI_TO_PREFIX
from formats.conversion import ConversionWarning
from formats.errors import ParseError
from formats.leftovers import capture, element_path
from formats.model import ExtensionElement, Identifier
from formats.model._fast_init import builder
from formats.xsd_decimal import memoised_decimal, parse_xsd_decimal

__all__ = ["LOCAL", "ReadContext", "children", "identifier", "text"]

# Readers build dozens of model objects per invoice: builders cost half of a class call.
_new_identifier = builder(Identifier)

_RAM_BRACE = "{" + RAM + "}"
_RAM_LEN = len(_RAM_BRACE)
_DATE_STRINGS = frozenset({f"{{{UDT}}}DateTimeString", f"{{{UDT}}}DateString", f"{{{QDT}}}DateTimeString"})
_INDICATOR = f"{{{UDT}}}Indicator"
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
_KNOWN_NAMES = """
    AccountName ActualAmount ActualDeliverySupplyChainEvent AdditionalReferencedDocument AllowanceTotalAmount
    ApplicableHeaderTradeAgreement ApplicableHeaderTradeDelivery ApplicableHeaderTradeSettlement
    ApplicableProductCharacteristic ApplicableTradeSettlementFinancialCard ApplicableTradeTax
    AppliedTradeAllowanceCharge AssociatedDocumentLineDocument AttachmentBinaryObject BasisAmount BasisQuantity
    BICID BilledQuantity BillingSpecifiedPeriod BusinessProcessSpecifiedDocumentContextParameter BuyerAssignedID
    BuyerOrderReferencedDocument BuyerReference BuyerTradeParty CalculatedAmount CalculationPercent
    CardholderName CategoryCode CategoryTradeTax ChargeAmount ChargeIndicator ChargeTotalAmount CityName ClassCode
    CompleteNumber Content ContractReferencedDocument CountryID CountrySubDivisionName CreditorReferenceID
    DefinedTradeContact DepartmentName Description DesignatedProductClassification DespatchAdviceReferencedDocument
    DirectDebitMandateID DueDateDateTime DueDateTypeCode DuePayableAmount EmailURIUniversalCommunication
    EndDateTime ExemptionReason ExemptionReasonCode FormattedIssueDateTime GlobalID GrandTotalAmount
    GrossPriceProductTradePrice GuidelineSpecifiedDocumentContextParameter IBANID ID IncludedNote
    IncludedSupplyChainTradeLineItem Information InvoiceCurrencyCode InvoiceReferencedDocument IssueDateTime
    IssuerAssignedID LineID LineOne LineThree LineTotalAmount LineTwo Name NetPriceProductTradePrice
    OccurrenceDateTime OriginTradeCountry PayeePartyCreditorFinancialAccount
    PayeeSpecifiedCreditorFinancialInstitution PayeeTradeParty PayerPartyDebtorFinancialAccount PaymentReference
    PersonName PostalTradeAddress PostcodeCode ProprietaryID RateApplicablePercent Reason ReasonCode
    ReceivableSpecifiedTradeAccountingAccount ReceivingAdviceReferencedDocument ReferenceTypeCode RoundingAmount
    SellerAssignedID SellerOrderReferencedDocument SellerTaxRepresentativeTradeParty SellerTradeParty
    ShipToTradeParty SpecifiedLegalOrganization SpecifiedLineTradeAgreement SpecifiedLineTradeDelivery
    SpecifiedLineTradeSettlement SpecifiedProcuringProject SpecifiedTaxRegistration SpecifiedTradeAllowanceCharge
    SpecifiedTradePaymentTerms SpecifiedTradeProduct SpecifiedTradeSettlementHeaderMonetarySummation
    SpecifiedTradeSettlementLineMonetarySummation SpecifiedTradeSettlementPaymentMeans StartDateTime SubjectCode
    TaxBasisTotalAmount TaxCurrencyCode TaxPointDate TaxTotalAmount TelephoneUniversalCommunication
    TotalPrepaidAmount TradingBusinessName TypeCode URIID URIUniversalCommunication Value
"""


class _LocalNames(dict[object, str]):
    """Clark tag → local name of a ``ram:`` element (``""`` for anything else, comments included).

    Pre-filled with the names the reader dispatches on, so the hot path is one
    dict lookup per child; any other ``ram:`` tag is sliced on demand (and not
    cached, so hostile input cannot grow it).
    """

    __slots__ = ()

    def __missing__(self, tag: object) -> str:
        if isinstance(tag, str) and tag.startswith(_RAM_BRACE):
            return tag[_RAM_LEN:]
        return ""


LOCAL = _LocalNames({_RAM_BRACE + name: name for name in _KNOWN_NAMES.split()})
"""``LOCAL[child.tag]``: the local name the reader dispatches on (``""`` if not ``ram:``)."""
# Comments and processing instructions report these factories as their tag; the
# French samples carry a comment after nearly every element.
LOCAL[etree.Comment] = ""
LOCAL[etree.ProcessingInstruction] = ""


def children(element: etree._Element) -> Iterator[tuple[str, etree._Element]]:
    """Yield ``(local name, child)`` for each element child, skipping comments and PIs.

    For cold paths; hot loops iterate the element and look up :data:`LOCAL` themselves.
    """
    for child in element[:]:
        if isinstance(child.tag, str):
            yield LOCAL[child.tag], child


def text(element: etree._Element) -> str:
    """Return the text of a leaf element verbatim (``""`` for an empty one).

    A converter for :func:`single_child`; hot loops read ``child.text or ""`` inline,
    which costs less than the call.
    """
    return element.text or ""


def identifier(element: etree._Element, scheme_attribute: str = "schemeID") -> Identifier:
    """Return an identifier with its scheme attribute (``None`` when absent)."""
    return _new_identifier(element.text or "", element.get(scheme_attribute))


class ReadContext:
    """What one read collects besides the model: extensions and warnings, in document order."""

    __slots__ = ("extensions", "warnings")

    def __init__(self) -> None:
        self.extensions: list[ExtensionElement] = []
        self.warnings: list[ConversionWarning] = []

    # -- leftovers -------------------------------------------------------------------------

    def leftover(self, element: etree._Element) -> None:
        """Keep an element the reader does not map, as an extension (comments and PIs are skipped)."""
        if isinstance(element.tag, str):
            self.extensions.append(capture(element, "cii", URI_TO_PREFIX))

    def reroute(self, mark: int, parent: etree._Element, *, dropped: str, after: str | None) -> None:
        """Make extensions that follow a child the writer will not re-emit follow ``after`` instead.

        For a mapped source child that does not come back under its own name (a
        ``DepartmentName`` written as ``PersonName``, a gross-price base quantity
        written on the net price): an extension captured right after it would
        otherwise find no such sibling and be restored as the first child.

        :param mark: bookmark taken before reading ``parent``'s children.
        :param dropped: prefixed name of that child (``ram:DepartmentName``).
        :param after: prefixed name of the sibling to follow instead (``None``: first child).
        """
        if len(self.extensions) == mark:
            return
        path = element_path(parent, URI_TO_PREFIX)
        for index in range(mark, len(self.extensions)):
            ext = self.extensions[index]
            if ext.parent == path and ext.after == dropped:
                self.extensions[index] = dataclasses.replace(ext, after=after)

    def unmapped(self, element: etree._Element, mark: int) -> None:
        """Keep ``element`` whole: nothing of it reached the model.

        The writer will not emit the container, so extensions captured inside it
        since ``mark`` (``len(extensions)`` before reading it) would have no parent
        to go back into; they are replaced by the container itself. An empty
        container is kept too: a later extension may be anchored after it.
        """
        del self.extensions[mark:]
        self.extensions.append(capture(element, "cii", URI_TO_PREFIX))

    def warn(self, code: str, term: str, message: str) -> None:
        """Record a conversion warning."""
        self.warnings.append(ConversionWarning(code=code, term=term, message=message))

    # -- values ----------------------------------------------------------------------------

    def number(self, element: etree._Element) -> Decimal:
        """Return the decimal value of an amount, quantity, percent or rate, keeping its precision.

        :raises ParseError: the text is not an ``xsd:decimal`` (exponents, ``NaN``,
            ``Infinity`` and digit separators, which :class:`~decimal.Decimal` would
            accept, are refused too).
        """
        raw = element.text
        value = memoised_decimal(raw)
        if value is None:
            value = parse_xsd_decimal(raw)
        if value is not None:
            return value
        path = element_path(element, URI_TO_PREFIX)
        raise ParseError(f"{path}: {raw or ''!r} is not a decimal number", path=path)

    def date(self, element: etree._Element, term: str) -> dt.date | None:
        """Return the date of a date element (``ram:IssueDateTime``, ``ram:TaxPointDate`` …).

        Only format ``102`` (YYYYMMDD) maps to the model. Any other format, or a
        ``udt:DateTime`` instead of a date string, keeps the element as an
        extension and adds a ``cii.date-format`` warning.

        :raises ParseError: a format-102 string that is not a calendar date.
        """
        strings = [child for child in element[:] if isinstance(child.tag, str)]
        if len(strings) == 1 and strings[0].tag in _DATE_STRINGS and strings[0].get("format") == "102":
            return self._date_102(strings[0])
        path = element_path(element, URI_TO_PREFIX)
        found = strings[0].get("format") if strings else None
        self.warn(
            "cii.date-format",
            term,
            f"{path}: date format {found!r} is not 102 (YYYYMMDD); the element is kept as an extension, "
            f"{term} is left empty",
        )
        self.leftover(element)
        return None

    def _date_102(self, element: etree._Element) -> dt.date:
        raw = element.text or ""
        value = raw.strip()
        if len(value) == 8 and value.isascii() and value.isdigit():
            try:
                return dt.date(int(value[:4]), int(value[4:6]), int(value[6:]))
            except ValueError:
                pass
        path = element_path(element, URI_TO_PREFIX)
        raise ParseError(f"{path}: {raw!r} is not a date in format 102 (YYYYMMDD)", path=path)

    def indicator(self, element: etree._Element) -> bool | None:
        """Return the boolean of an indicator element (``ram:ChargeIndicator``).

        ``None`` when it holds no ``udt:Indicator`` (e.g. a ``udt:IndicatorString``).

        :raises ParseError: the indicator is not an ``xsd:boolean``.
        """
        for child in element[:]:
            if child.tag == _INDICATOR:
                raw = child.text or ""
                value = _BOOLEANS.get(raw.strip())
                if value is None:
                    path = element_path(child, URI_TO_PREFIX)
                    raise ParseError(f"{path}: {raw!r} is not a boolean (true/false)", path=path)
                return value
        return None


_T = TypeVar("_T")


def single_child(
    ctx: ReadContext, element: etree._Element, wanted: str, convert: Callable[[etree._Element], _T]
) -> _T | None:
    """Read a wrapper whose one mapped child is ``wanted`` (``ram:OriginTradeCountry/ram:ID``…).

    Every other child is kept as an extension; a wrapper without the wanted child
    is kept whole (see :meth:`ReadContext.unmapped`).
    """
    mark = len(ctx.extensions)
    value: _T | None = None
    for child in element[:]:
        if value is None and LOCAL[child.tag] == wanted:
            value = convert(child)
        else:
            ctx.leftover(child)
    if value is None:
        ctx.unmapped(element, mark)
    return value
