"""Warnings for what an EANCOM D96A INVOIC cannot carry: whole terms, and characters of the profile's set.

The segment writers warn about details they meet (a second identifier, a
scheme); the terms EANCOM has no segment for at all are listed here once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

from formats.conversion import ConversionWarning
from formats.edifact.eancom._build import not_representable
from formats.edifact.syntax import Charset
from formats.model import Invoice
from formats.model.terms import term_of

__all__ = ["transliteration_warnings", "uncarried_terms"]

_Getter = Callable[[Invoice], object]

_DOCUMENT: tuple[tuple[str, _Getter, str], ...] = (
    ("BT-6", lambda i: i.tax_currency, "CUX states a conversion; a VAT accounting currency alone has no place"),
    ("BT-8", lambda i: i.tax_point_date_code, "no DTM qualifier without a date is defined for the VAT point code"),
    ("BT-18", lambda i: i.invoiced_object, "no invoiced object identifier"),
    ("BT-23", lambda i: i.business_process, "no business process type"),
    ("BT-24", lambda i: i.specification, "the message identifier (EAN008) is the only specification"),
    ("BT-89", lambda i: i.mandate_reference, "no mandate reference"),
    ("BT-90", lambda i: i.creditor_reference, "no bank assigned creditor identifier"),
    ("BT-111", lambda i: i.totals.tax_total_accounting if i.totals else None, "no VAT total in accounting currency"),
    ("BG-24", lambda i: i.attachments, "no supporting documents (and no UNO packages in syntax 3)"),
)


def uncarried_terms(invoice: Invoice) -> list[ConversionWarning]:
    """Return one warning per term the invoice holds and EANCOM D96A INVOIC has no place for."""
    out = [
        not_representable(term, f"EANCOM D96A INVOIC: {why}; not written")
        for term, getter, why in _DOCUMENT
        if getter(invoice) not in (None, (), "")
    ]
    for extension in invoice.extensions:
        out.append(
            ConversionWarning(
                code="extension.not-representable",
                term="EXT",
                message=f"{extension.name}: {extension.syntax.upper()} content has no place in EDIFACT; not written",
            )
        )
    for means in invoice.payment_means:
        if means.text:
            out.append(not_representable("BT-82", "PAI has no payment means text; not written"))
        if means.card is not None:
            out.append(not_representable("BG-18", "EANCOM INVOIC has no payment card; not written"))
    for breakdown in invoice.vat_breakdown:
        for term, text in (("BT-120", breakdown.exemption_reason), ("BT-121", breakdown.exemption_reason_code)):
            if text:
                out.append(not_representable(term, f"no VAT exemption reason in the TAX group; {text!r} not written"))
    for line in invoice.lines:
        for term, present in (
            ("BT-128", line.object_identifier),
            ("BT-133", line.accounting_reference),
            ("BG-32", line.item.attributes if line.item else ()),
        ):
            if present:
                message = f"line {line.id}: EANCOM INVOIC has no place for {term}; not written"
                out.append(not_representable(term, message))
    return out


def transliteration_warnings(invoice: Invoice, charset: Charset) -> list[ConversionWarning]:
    """Return one warning per text the profile's character set cannot hold, naming its term.

    The syntax writer transliterates such text (``é`` → ``e``, capitals in UNOA);
    saying so per term lets a caller see which data changed.
    """
    out: list[ConversionWarning] = []
    for path, term, text in _texts(invoice, "", None, None):
        if not charset.can_hold(text):
            out.append(
                ConversionWarning(
                    code="edifact-eancom.transliterated",
                    term=term or "EXT",
                    message=f"{path}: {charset.syntax_id} cannot hold every character; written transliterated",
                )
            )
    return out


def _texts(value: object, path: str, term: str | None, role: str | None) -> Iterator[tuple[str, str | None, str]]:
    if isinstance(value, str):
        yield path, term, value
    elif isinstance(value, tuple):
        for index, item in enumerate(value):
            yield from _texts(item, f"{path}[{index}]", term, role)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if field.name == "extensions":
                continue
            sub_role = role or field.name
            term_role = f"{sub_role}:charge" if getattr(value, "is_charge", False) else sub_role
            sub_term = term_of(type(value).__name__, field.name, term_role) or term
            sub_path = f"{path}.{field.name}" if path else field.name
            yield from _texts(getattr(value, field.name), sub_path, sub_term, sub_role)
