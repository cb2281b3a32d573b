from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from formats.errors import ConfigError
from formats.mappings import apply_mapping, load_mapping, parse_date, parse_number

GOOD = """\
issuer: ACME
match:
  keywords: [ACME]
options:
  locale: fr
  date-formats: ["%d/%m/%Y", "%d.%m.%Y"]
fields:
  number: {regex: 'Facture (\\S+)', type: code}
  issue_date: {anchor: {label: Date}, type: date}
  payable: {target: totals.payable, regex: 'Total (.+) €', type: amount}
  order: {target: purchase_order_reference, regex: 'Commande (\\S+)', required: false}
constants:
  currency: EUR
"""

TEXT = "ACME\nFacture F-1\nDate      05.03.2018\nTotal 1 234,56 €\n"


def test_french_number() -> None:
    assert parse_number("1 234,56", decimal_separator=",", thousands=" \u00a0") == Decimal("1234.56")
    assert parse_number("1.234,56", decimal_separator=",", thousands=".") == Decimal("1234.56")
    assert parse_number("-20,48 €", decimal_separator=",", thousands=" ") == Decimal("-20.48")
    with pytest.raises(ValueError):
        parse_number("12,34,5", decimal_separator=".", thousands=",")


def test_date_formats() -> None:
    assert parse_date("16/11/2017", ("%d/%m/%Y",)) == date(2017, 11, 16)
    assert parse_date("05.03.2018", ("%d/%m/%Y", "%d.%m.%Y")) == date(2018, 3, 5)
    with pytest.raises(ValueError):
        parse_date("2018-03-05", ("%d/%m/%Y",))


def test_apply_traces_rules_and_warns() -> None:
    result = apply_mapping(load_mapping(GOOD, "acme.yaml"), TEXT)
    invoice = result.invoice
    assert invoice.number == "F-1"
    assert invoice.issue_date == date(2018, 3, 5)
    assert invoice.totals is not None and invoice.totals.payable == Decimal("1234.56")
    rules = {entry.target: (entry.kind, entry.term) for entry in result.trace}
    assert rules["number"] == ("regex", "BT-1")
    assert rules["issue_date"] == ("anchor", "BT-2")
    assert rules["currency"] == ("constant", "BT-5")
    assert result.complete
    assert any("order" in warning for warning in result.warnings)


def test_typo_names_file_line_and_key() -> None:
    with pytest.raises(ConfigError) as info:
        load_mapping(GOOD.replace("  keywords:", "  keywrods:"), "acme.yaml")
    assert "acme.yaml:3: match.keywrods: unknown key 'keywrods'; did you mean 'keywords'?" in info.value.message


def test_bad_regex_wrong_type_missing_key_all_reported() -> None:
    text = GOOD.replace("'Facture (\\S+)'", "'Facture ((\\S+)'").replace("locale: fr", "locale: 12")
    text = text.replace("issuer: ACME\n", "")
    with pytest.raises(ConfigError) as info:
        load_mapping(text, "acme.yaml")
    message = info.value.message
    assert "missing required key 'issuer'" in message
    assert "acme.yaml:4: options.locale: expected one of" in message
    # schema problems stop before regexes are compiled; fix them and the regex is reported
    with pytest.raises(ConfigError) as info:
        load_mapping(GOOD.replace("'Facture (\\S+)'", "'Facture ((\\S+)'"), "acme.yaml")
    assert "acme.yaml:8: fields.number.regex: bad regex" in info.value.message


def test_unknown_target_and_type_mismatch() -> None:
    text = GOOD.replace("target: totals.payable", "target: totals.payabel").replace(
        "issue_date: {anchor: {label: Date}, type: date}", "issue_date: {anchor: {label: Date}, type: amount}"
    )
    with pytest.raises(ConfigError) as info:
        load_mapping(text, "acme.yaml")
    assert "acme.yaml:10: fields.payable.target: unknown target" in info.value.message
    assert "fields.issue_date.type: type 'amount' cannot fill a date field" in info.value.message


TABLE = """\
issuer: ACME
match:
  keywords: [ACME]
options:
  locale: fr
tables:
  - target: allowances_charges
    row: '^(?P<kind>REMISE|CHARGE) (?P<amount>[\\d,]+)(?: \\((?P<cat>[A-Z])\\))?$'
    continuation:
      - '^motif : (?P<reason>.+)$'
      - '^raison : (?P<why>.+)$'
    fields:
      is_charge: {group: kind}
      amount: {group: amount, type: amount}
      vat_category: {group: cat, type: code}
      reason: {group: [reason, why]}
    defaults:
      vat_category: S
"""


def test_table_defaults_fill_only_empty_row_fields_and_groups_try_alternatives() -> None:
    text = "ACME\nREMISE 5,00\nmotif : volume\nCHARGE 2,00 (K)\nraison : transport\n"
    result = apply_mapping(load_mapping(TABLE, "acme.yaml"), text)
    first, second = result.invoice.allowances_charges
    assert (first.is_charge, first.amount, first.vat_category, first.reason) == (False, Decimal("5.00"), "S", "volume")
    assert (second.is_charge, second.vat_category, second.reason) == (True, "K", "transport")
    kinds = {entry.target: (entry.kind, entry.rule) for entry in result.trace}
    assert kinds["allowances_charges[0].vat_category"] == ("default", "tables[0].defaults.vat_category")
    assert kinds["allowances_charges[1].vat_category"][0] == "table"
    assert kinds["allowances_charges[1].reason"] == ("table", "tables[0].why")


def test_unknown_alternative_group_is_reported() -> None:
    with pytest.raises(ConfigError) as info:
        load_mapping(TABLE.replace("[reason, why]", "[reason, wyh]"), "acme.yaml")
    assert "no named group 'wyh'" in info.value.message
