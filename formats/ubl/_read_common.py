"""Reading helpers shared by the UBL reader modules: values, leftovers, small groups.

Every container is read by walking its children once and dispatching on the
Clark tag; a child that is not mapped goes to :meth:`ReadContext.leftover`.
No XPath is evaluated while reading.
Loops walk ``element[:]``, a child list lxml builds in C: for the small containers
of an invoice it costs half of lxml's child iterator.
"""

from __future__ import annotations

import base64
import binascii
from datetime import date
from decimal import Decimal

from lxml import etree

from formats.conversion import ConversionWarning
from formats.errors import ParseError
from formats.leftovers import capture, element_path
from formats.model import Address, AllowanceCharge, ExtensionElement, Identifier, Period
from formats.model._fast_init import builder
from formats.ubl import _tags as t
from formats.ubl.namespaces import URI_TO_PREFIX
from formats.xsd_decimal import memoised_decimal, parse_xsd_decimal

__all__ = [
    "ReadContext",
    "TaxCategoryValues",
    "has_any",
    "has_child",
    "read_base64",
    "read_address",
    "read_allowance_charge",
    "read_boolean",
    "read_date",
    "read_decimal",
    "read_identifier",
    "read_period",
    "read_tax_scheme",
    "read_tax_category",
    "single",
    "vat_scheme",
]

# Readers build dozens of model objects per invoice: builders cost half of a class call.
_new_identifier = builder(Identifier)
_new_address = builder(Address)
_new_allowance_charge = builder(AllowanceCharge)
_new_period = builder(Period)


class ReadContext:
    """What a read collects besides the model, in document order."""

    __slots__ = ("credit_note", "creditor_reference", "extensions", "warnings")

    def __init__(self, *, credit_note: bool) -> None:
        self.credit_note = credit_note
        """True when the root is ``CreditNote``."""
        self.extensions: list[ExtensionElement] = []
        """Unmapped source elements, in document order."""
        self.warnings: list[ConversionWarning] = []
        """Ambiguities met while reading."""
        self.creditor_reference: str | None = None
        """BT-90, found in the seller's or the payee's identifiers."""

    def leftover(self, element: etree._Element) -> None:
        """Keep an element the reader does not map (comments and PIs are ignored)."""
        tag: object = element.tag
        if isinstance(tag, str):
            self.extensions.append(capture(element, "ubl", URI_TO_PREFIX))

    def warn(self, code: str, term: str, message: str) -> None:
        """Record a conversion warning."""
        self.warnings.append(ConversionWarning(code=code, term=term, message=message))


def has_child(element: etree._Element, tag: str) -> bool:
    """Tell whether ``element`` has a ``tag`` child."""
    for child in element[:]:  # noqa: SIM110 - a plain loop costs half of any() over a generator
        if child.tag == tag:
            return True
    return False


def has_any(element: etree._Element, tags: frozenset[str]) -> bool:
    """Tell whether ``element`` has a child with one of ``tags``."""
    for child in element[:]:  # noqa: SIM110 - as in has_child
        if child.tag in tags:
            return True
    return False


def _name(element: etree._Element) -> str:
    tag = element.tag
    if tag.startswith("{"):
        uri, local = tag[1:].split("}", 1)
        prefix = URI_TO_PREFIX.get(uri)
        return f"{prefix}:{local}" if prefix else local
    return tag


def _malformed(element: etree._Element, value: str, kind: str) -> ParseError:
    return ParseError(f"{_name(element)}: {value!r} is not {kind}", path=element_path(element, URI_TO_PREFIX))


def read_base64(element: etree._Element) -> bytes:
    """Return the decoded content of a base64 binary object (whitespace ignored).

    :raises ParseError: the text is not base64; the message names the element.
    """
    compact = "".join((element.text or "").split())
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        raise ParseError(
            f"{_name(element)}: content is not valid base64", path=element_path(element, URI_TO_PREFIX)
        ) from None


def read_decimal(element: etree._Element) -> Decimal:
    """Return the element's text as a Decimal, keeping the source precision.

    :raises ParseError: the text is not an xsd:decimal; the message names the element.
    """
    raw = element.text
    value = memoised_decimal(raw)
    if value is None:
        value = parse_xsd_decimal(raw)
        if value is None:
            raise _malformed(element, (raw or "").strip(), "a decimal")
    return value


def read_date(element: etree._Element) -> date:
    """Return the element's text (``YYYY-MM-DD``) as a date.

    :raises ParseError: the text is not a calendar date; the message names the element.
    """
    value = (element.text or "").strip()
    # Python 3.11 fromisoformat() also takes 20240131, 2024-W05-3 …; UBL dates are YYYY-MM-DD.
    if len(value) != 10 or value[4] != "-" or value[7] != "-" or not value.isascii():
        raise _malformed(element, value, "a date (YYYY-MM-DD)")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise _malformed(element, value, "a date (YYYY-MM-DD)") from None


def read_boolean(element: etree._Element) -> bool:
    """Return an xsd:boolean (``true``/``false``/``1``/``0``).

    :raises ParseError: any other text.
    """
    value = (element.text or "").strip()
    if value in ("true", "1"):
        return True
    if value in ("false", "0"):
        return False
    raise _malformed(element, value, "a boolean (true or false)")


def read_identifier(element: etree._Element, scheme_attribute: str = "schemeID") -> Identifier:
    """Return the element's text with its scheme attribute."""
    return _new_identifier(element.text or "", element.get(scheme_attribute))


def single(ctx: ReadContext, element: etree._Element, tag: str) -> etree._Element | None:
    """Return the first ``tag`` child of a wrapper element; keep every other child.

    When the wrapper has no such child, the whole wrapper is kept as an extension
    and None is returned, so that a writer that does not emit the wrapper can
    still put it back.
    """
    if len(element) == 1:  # the usual case, without building a list
        only = element[0]
        if only.tag == tag:
            return only
    found: etree._Element | None = None
    others: list[etree._Element] = []
    for child in element[:]:
        if found is None and child.tag == tag:
            found = child
        else:
            others.append(child)
    if found is None:
        ctx.leftover(element)
        return None
    for other in others:
        ctx.leftover(other)
    return found


def vat_scheme(category: etree._Element) -> bool:
    """Tell whether a (Classified)TaxCategory is in the VAT scheme, as CEN tests it.

    ``normalize-space(upper-case(cac:TaxScheme/cbc:ID)) = 'VAT'``; a category
    without a scheme (XSD-invalid) is taken as VAT so that nothing is lost.
    """
    for child in category[:]:
        if child.tag == t.CAC_TAX_SCHEME:
            for grandchild in child[:]:
                if grandchild.tag == t.CBC_ID:
                    return (grandchild.text or "").strip().upper() == "VAT"
            return True
    return True


def read_tax_scheme(ctx: ReadContext, scheme: etree._Element) -> None:
    """Consume a ``cac:TaxScheme`` whose ``cbc:ID`` the caller has interpreted; keep the rest."""
    seen_id = False
    for child in scheme[:]:
        if child.tag == t.CBC_ID and not seen_id:
            seen_id = True
        else:
            ctx.leftover(child)


TaxCategoryValues = tuple[str | None, Decimal | None, str | None, str | None]
"""(category code, rate, exemption reason code, exemption reason) of a VAT tax category."""


def read_tax_category(
    ctx: ReadContext, category: etree._Element, *, exemption: bool = False
) -> TaxCategoryValues | None:
    """Read a (Classified)TaxCategory in one pass; None when it is outside the VAT scheme.

    The scheme test is CEN's ``normalize-space(upper-case(cac:TaxScheme/cbc:ID)) = 'VAT'``
    (a category without scheme ID is taken as VAT). For a VAT category, the
    children not mapped are kept; otherwise nothing is kept and the caller keeps
    the whole category.

    :param exemption: map the exemption reason and code (BT-120/121, VAT breakdown
        only); elsewhere they are no business term and are kept as extensions.
    """
    code: str | None = None
    rate: Decimal | None = None
    reason_code: str | None = None
    reason: str | None = None
    scheme: etree._Element | None = None
    others: list[etree._Element] = []
    for child in category[:]:
        tag = child.tag
        if tag == t.CBC_ID and code is None:
            code = child.text or ""
        elif tag == t.CBC_PERCENT and rate is None:
            rate = read_decimal(child)
        elif tag == t.CAC_TAX_SCHEME and scheme is None:
            scheme = child
        elif tag == t.CBC_TAX_EXEMPTION_REASON_CODE and exemption and reason_code is None:
            reason_code = child.text or ""
        elif tag == t.CBC_TAX_EXEMPTION_REASON and exemption and reason is None:
            reason = child.text or ""
        else:
            others.append(child)
    if scheme is not None:
        scheme_id: etree._Element | None = None
        for child in scheme[:]:
            if child.tag == t.CBC_ID and scheme_id is None:
                scheme_id = child
                if (child.text or "").strip().upper() != "VAT":
                    return None
            else:
                others.append(child)
    for other in others:
        ctx.leftover(other)
    return code, rate, reason_code, reason


_ADDRESS_FIELDS = {
    t.CBC_STREET_NAME: "line1",
    t.CBC_ADDITIONAL_STREET_NAME: "line2",
    t.CBC_CITY_NAME: "city",
    t.CBC_POSTAL_ZONE: "post_code",
    t.CBC_COUNTRY_SUBENTITY: "country_subdivision",
}


def read_address(ctx: ReadContext, element: etree._Element) -> Address:
    """Read a PostalAddress / Address (BG-5, BG-8, BG-12, BG-15)."""
    fields: dict[str, str] = {}
    for child in element[:]:
        tag = child.tag
        name = _ADDRESS_FIELDS.get(tag)
        if name is not None:
            fields[name] = child.text or ""
        elif tag == t.CAC_ADDRESS_LINE and "line3" not in fields:
            line = single(ctx, child, t.CBC_LINE)
            if line is not None:
                fields["line3"] = line.text or ""
        elif tag == t.CAC_COUNTRY and "country_code" not in fields:
            code = single(ctx, child, t.CBC_IDENTIFICATION_CODE)
            if code is not None:
                fields["country_code"] = code.text or ""
        else:
            ctx.leftover(child)
    return _new_address(**fields)


def read_period(ctx: ReadContext, element: etree._Element, *, document_level: bool) -> tuple[Period | None, str | None]:
    """Read an InvoicePeriod: (BG-14/BG-26 period or None, BT-8 description code or None).

    A period with neither date (nor, at document level, a description code) is
    kept whole, so that its content goes back in place on writing.

    :param document_level: the description code is BT-8 at document level only;
        on a line it is kept as an extension.
    """
    start: date | None = None
    end: date | None = None
    code: str | None = None
    others: list[etree._Element] = []
    for child in element[:]:
        tag = child.tag
        if tag == t.CBC_START_DATE and start is None:
            start = read_date(child)
        elif tag == t.CBC_END_DATE and end is None:
            end = read_date(child)
        elif tag == t.CBC_DESCRIPTION_CODE and document_level and code is None:
            code = child.text or ""
        else:
            others.append(child)
    if start is None and end is None and code is None:
        ctx.leftover(element)
        return None, None
    for other in others:
        ctx.leftover(other)
    return (None if start is None and end is None else _new_period(start=start, end=end)), code


def read_allowance_charge(ctx: ReadContext, element: etree._Element, *, document_level: bool) -> AllowanceCharge:
    """Read a document (BG-20/21) or line (BG-27/28) allowance or charge.

    A line-level TaxCategory and a non-VAT document-level one are kept as extensions.
    """
    is_charge = False
    seen_indicator = False
    fields: dict[str, Decimal] = {}
    reason: str | None = None
    reason_code: str | None = None
    category: str | None = None
    rate: Decimal | None = None
    seen_category = False
    for child in element[:]:
        tag = child.tag
        if tag == t.CBC_AMOUNT and "amount" not in fields:
            fields["amount"] = read_decimal(child)
        elif tag == t.CBC_CHARGE_INDICATOR and not seen_indicator:
            seen_indicator = True
            is_charge = read_boolean(child)
        elif tag == t.CBC_BASE_AMOUNT and "base_amount" not in fields:
            fields["base_amount"] = read_decimal(child)
        elif tag == t.CBC_MULTIPLIER_FACTOR_NUMERIC and "percentage" not in fields:
            fields["percentage"] = read_decimal(child)
        elif tag == t.CBC_ALLOWANCE_CHARGE_REASON and reason is None:
            reason = child.text or ""
        elif tag == t.CBC_ALLOWANCE_CHARGE_REASON_CODE and reason_code is None:
            reason_code = child.text or ""
        elif tag == t.CAC_TAX_CATEGORY and document_level and not seen_category:
            values = read_tax_category(ctx, child)
            if values is None:
                ctx.leftover(child)
            else:
                seen_category = True
                category, rate, _, _ = values
        else:
            ctx.leftover(child)
    return _new_allowance_charge(
        is_charge=is_charge,
        reason=reason,
        reason_code=reason_code,
        vat_category=category,
        vat_rate=rate,
        **fields,
    )
