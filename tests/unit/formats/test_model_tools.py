from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

from formats.model import Attachment, Identifier, Invoice, InvoiceLine, Party, Price, Totals
from formats.model.compare import diff_invoices
from formats.model.json_codec import invoice_to_dict
from formats.model.terms import term_of


def test_terms_come_from_the_model_docstrings() -> None:
    assert term_of("Invoice", "number") == "BT-1"
    assert term_of("Invoice", "preceding_invoices") == "BG-3"
    assert term_of("Price", "base_quantity") == "BT-149"
    assert term_of("Totals", "tax_total_accounting") == "BT-111"
    assert term_of("Invoice", "no_such_field") is None


def test_diff_names_path_and_term() -> None:
    a = Invoice(number="1", lines=(InvoiceLine(id="1", price=Price(net_price=Decimal("10.00"))),))
    b = Invoice(number="1", lines=(InvoiceLine(id="1", price=Price(net_price=Decimal("10.01"))),))
    [difference] = diff_invoices(a, b)
    assert difference.path == "lines[0].price.net_price"
    assert difference.term == "BT-146"


def test_diff_equal_precision_and_unordered_identifiers() -> None:
    a = Invoice(
        totals=Totals(payable=Decimal("10.0")), seller=Party(identifiers=(Identifier("a"), Identifier("b", "0088")))
    )
    b = Invoice(
        totals=Totals(payable=Decimal("10.00")), seller=Party(identifiers=(Identifier("b", "0088"), Identifier("a")))
    )
    assert diff_invoices(a, b) == []


def test_diff_reports_missing_tuple_entries() -> None:
    a = Invoice(lines=(InvoiceLine(id="1"), InvoiceLine(id="2")))
    b = Invoice(lines=(InvoiceLine(id="1"),))
    [difference] = diff_invoices(a, b)
    assert difference.path == "lines" and difference.term == "BG-25"


def test_json_codec_keeps_amounts_as_strings() -> None:
    invoice = Invoice(
        number="F1",
        issue_date=date(2026, 1, 31),
        totals=Totals(payable=Decimal("1E+1")),
        attachments=(Attachment(reference="A", content=b"\x00\x01"),),
    )
    data = invoice_to_dict(invoice)
    assert data == {
        "number": "F1",
        "issue_date": "2026-01-31",
        "totals": {"payable": "10"},
        "attachments": [{"reference": "A", "content": "AAE="}],
    }
    json.dumps(data)


def test_terms_follow_the_role_of_shared_groups() -> None:
    assert term_of("Party", "identifiers", "buyer") == "BT-46"
    assert term_of("Party", "identifiers", "seller") == "BT-29"
    assert term_of("Address", "city", "tax_representative") == "BT-66"
    assert term_of("Address", "city", "delivery") == "BT-77"
    a = Invoice(buyer=Party(name="A"))
    b = Invoice(buyer=Party(name="B"))
    [difference] = diff_invoices(a, b)
    assert difference.term == "BT-44"


def test_allowance_and_charge_terms_by_level() -> None:
    assert term_of("AllowanceCharge", "amount", "allowances_charges") == "BT-92"
    assert term_of("AllowanceCharge", "amount", "allowances_charges:charge") == "BT-99"
    assert term_of("AllowanceCharge", "amount", "lines") == "BT-136"
    assert term_of("AllowanceCharge", "amount", "lines:charge") == "BT-141"


def test_line_fields_name_their_own_term_not_a_group_position() -> None:
    assert term_of("InvoiceLine", "vat_rate", "lines") == "BT-152"
    assert term_of("Item", "standard_id", "lines") == "BT-157"
    assert term_of("Period", "start", "lines") == "BT-134"
