"""Native pre-checks: XPath rounding, the CEN calculation and VAT rules, precise messages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from formats.model import AllowanceCharge, Invoice, InvoiceLine, Totals, VatBreakdown
from formats.validation.findings import Finding, Flag
from formats.validation.native import OFFICIAL_RULES, native_checks
from formats.validation.native_xpath import category_is, normalize_space, round2, xpath_round

D = Decimal


def _rules(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings if f.flag is Flag.FATAL}


def _only(findings: list[Finding], rule: str) -> Finding:
    [found] = [f for f in findings if f.rule == rule]
    return found


def _line(amount: str, category: str = "S", rate: str | None = "20", line_id: str = "1") -> InvoiceLine:
    return InvoiceLine(
        id=line_id, net_amount=D(amount), vat_category=category, vat_rate=None if rate is None else D(rate)
    )


def _invoice(
    lines: tuple[InvoiceLine, ...],
    totals: Totals | None,
    breakdown: tuple[VatBreakdown, ...] = (),
    charges: tuple[AllowanceCharge, ...] = (),
) -> Invoice:
    return Invoice(currency="EUR", lines=lines, totals=totals, vat_breakdown=breakdown, allowances_charges=charges)


def _consistent(net: str = "100.00", tax: str = "20.00", rate: str = "20") -> Invoice:
    gross = str(D(net) + D(tax))
    return _invoice(
        (_line(net, rate=rate),),
        Totals(line_total=D(net), tax_exclusive=D(net), tax_total=D(tax), tax_inclusive=D(gross), payable=D(gross)),
        (VatBreakdown(taxable_amount=D(net), tax_amount=D(tax), category="S", rate=D(rate)),),
    )


# XPath round(): half toward +infinity


@pytest.mark.parametrize(
    ("value", "expected"),
    [("2.5", "3"), ("-2.5", "-2"), ("-2.6", "-3"), ("-2.4", "-2"), ("0.5", "1"), ("-0.5", "0"), ("7", "7")],
)
def test_xpath_round_goes_half_toward_positive_infinity(value: str, expected: str) -> None:
    assert xpath_round(D(value)) == D(expected)


def test_round2_on_negative_amounts_is_neither_half_up_nor_bankers() -> None:
    # round(-101.5) = -101 in XPath; ROUND_HALF_UP and Python's round() both give -102.
    assert round2(D("-1.015")) == D("-1.01")
    assert round2(D("1.015")) == D("1.02")
    assert round2(D("-1.005")) == D("-1.00")


def test_credit_note_line_total_uses_xpath_rounding() -> None:
    lines = (_line("-0.505", line_id="1"), _line("-0.51", line_id="2"))  # Σ = -1.015 → -1.01
    ok = _invoice(lines, Totals(line_total=D("-1.01")))
    assert "BR-CO-10" not in _rules(native_checks(ok, "ubl"))
    wrong = _invoice(lines, Totals(line_total=D("-1.02")))
    assert _only(native_checks(wrong, "ubl"), "BR-CO-10").message == "BT-106 (-1.02) != Σ BT-131 (-1.01)"


# Document totals


def test_a_consistent_invoice_passes_in_both_syntaxes() -> None:
    invoice = _consistent()
    for syntax in ("ubl", "cii"):
        assert _rules(native_checks(invoice, syntax)) == set()


def test_br_co_10_message_and_location() -> None:
    invoice = _invoice((_line("1234.55"),), Totals(line_total=D("1234.50")))
    finding = _only(native_checks(invoice, "cii"), "BR-CO-10")
    assert finding.message == "BT-106 (1234.50) != Σ BT-131 (1234.55)"
    assert finding.location == "totals.line_total"
    assert finding.flag is Flag.FATAL
    assert finding.layer == "native"


def test_br_co_10_does_not_apply_without_totals() -> None:
    assert "BR-CO-10" not in _rules(native_checks(_invoice((_line("5"),), None), "cii"))


def test_br_co_11_passes_without_total_and_without_allowances() -> None:
    invoice = _invoice((_line("10"),), Totals(line_total=D("10")))
    assert "BR-CO-11" not in _rules(native_checks(invoice, "ubl"))


def test_br_co_11_fires_for_an_allowance_without_total() -> None:
    allowance = AllowanceCharge(is_charge=False, amount=D("5.00"), vat_category="S", vat_rate=D("20"))
    invoice = _invoice((_line("10"),), Totals(line_total=D("10")), charges=(allowance,))
    finding = _only(native_checks(invoice, "ubl"), "BR-CO-11")
    assert finding.message == "BT-107 (missing) != Σ BT-92 (5.00)"
    assert finding.location == "totals.allowance_total"


def test_br_co_12_sums_charges_only() -> None:
    charges = (
        AllowanceCharge(is_charge=True, amount=D("2.50")),
        AllowanceCharge(is_charge=False, amount=D("9.00")),
        AllowanceCharge(is_charge=True, amount=D("1.25")),
    )
    invoice = _invoice((), Totals(charge_total=D("3.70"), allowance_total=D("9.00")), charges=charges)
    assert _only(native_checks(invoice, "cii"), "BR-CO-12").message == "BT-108 (3.70) != Σ BT-99 (3.75)"


def test_br_co_13_ubl_keeps_bt_106_unrounded_without_allowances_and_charges() -> None:
    totals = Totals(line_total=D("10.005"), tax_exclusive=D("10.01"))
    invoice = _invoice((_line("10.005"),), totals)
    assert "BR-CO-13" in _rules(native_checks(invoice, "ubl"))  # 10.01 != 10.005
    assert "BR-CO-13" not in _rules(native_checks(invoice, "cii"))  # 10.01 = round(10.005)


def test_br_co_14_ubl_message() -> None:
    breakdown = (
        VatBreakdown(taxable_amount=D("50"), tax_amount=D("10.00"), category="S", rate=D("20")),
        VatBreakdown(taxable_amount=D("50"), tax_amount=D("2.75"), category="S", rate=D("5.5")),
    )
    invoice = _invoice((), Totals(tax_total=D("12.00")), breakdown)
    assert _only(native_checks(invoice, "ubl"), "BR-CO-14").message == "BT-110 (12.00) != Σ BT-117 (12.75)"


def test_br_co_15_needs_bt_110_once_in_ubl() -> None:
    totals = Totals(tax_exclusive=D("100"), tax_inclusive=D("120"), tax_total=D("20"), tax_total_accounting=D("20"))
    finding = _only(native_checks(_invoice((), totals), "ubl"), "BR-CO-15")
    assert "exactly once" in finding.message


def test_br_co_15_message() -> None:
    totals = Totals(tax_exclusive=D("100.00"), tax_total=D("20.00"), tax_inclusive=D("121.00"))
    finding = _only(native_checks(_invoice((), totals), "ubl"), "BR-CO-15")
    assert finding.message == "BT-112 (121.00) != BT-109 (100.00) + BT-110 (20.00) (120.00)"


def test_br_co_14_and_15_are_not_claimed_for_cii() -> None:
    assert {"BR-CO-14", "BR-CO-15"}.isdisjoint(OFFICIAL_RULES["cii"])
    assert {"BR-CO-14", "BR-CO-15"} <= OFFICIAL_RULES["ubl"]


def test_br_co_16_rounds_in_ubl_and_is_exact_in_cii() -> None:
    totals = Totals(line_total=D("1"), tax_inclusive=D("10.005"), prepaid=D("0"), payable=D("10.01"))
    invoice = _invoice((), totals)
    assert "BR-CO-16" not in _rules(native_checks(invoice, "ubl"))
    assert "BR-CO-16" in _rules(native_checks(invoice, "cii"))


def test_br_co_16_with_rounding_amount() -> None:
    totals = Totals(tax_inclusive=D("99.98"), rounding=D("0.02"), payable=D("100.00"))
    assert "BR-CO-16" not in _rules(native_checks(_invoice((), totals), "cii"))
    wrong = Totals(tax_inclusive=D("99.98"), rounding=D("0.02"), payable=D("99.98"))
    finding = _only(native_checks(_invoice((), wrong), "cii"), "BR-CO-16")
    assert finding.message == "BT-115 (99.98) != BT-112 − BT-113 + BT-114 (100.00)"


# BR-CO-17: ±1 tolerance, strict in UBL, inclusive in CII


def _vat_invoice(tax: str, *, base: str = "100.00", rate: str = "20") -> Invoice:
    return _invoice((), None, (VatBreakdown(taxable_amount=D(base), tax_amount=D(tax), category="S", rate=D(rate)),))


@pytest.mark.parametrize(
    ("tax", "ubl_fires", "cii_fires"),
    [
        ("20.00", False, False),
        ("20.99", False, False),
        ("21.00", True, False),  # |T| - 1 = 20.00: not < 20.00, but <= 20.00
        ("21.01", True, True),
        ("19.01", False, False),
        ("19.00", True, False),
        ("18.99", True, True),
        ("-20.00", False, False),  # abs() on both sides: credit notes
    ],
)
def test_br_co_17_tolerance_boundaries(tax: str, ubl_fires: bool, cii_fires: bool) -> None:
    invoice = _vat_invoice(tax)
    assert ("BR-CO-17" in _rules(native_checks(invoice, "ubl"))) is ubl_fires
    assert ("BR-CO-17" in _rules(native_checks(invoice, "cii"))) is cii_fires


def test_br_co_17_rate_rounding_to_zero_needs_a_tax_rounding_to_zero() -> None:
    assert "BR-CO-17" not in _rules(native_checks(_vat_invoice("0.49", rate="0.4"), "ubl"))
    finding = _only(native_checks(_vat_invoice("0.50", rate="0.4"), "ubl"), "BR-CO-17")
    assert finding.message == "BT-117 (0.50) must round to 0 when BT-119 (0.4) rounds to 0 or is absent"


def test_br_co_17_message_and_location() -> None:
    finding = _only(native_checks(_vat_invoice("25.00"), "cii"), "BR-CO-17")
    assert finding.message == "BT-117 (25.00) != BT-116 (100.00) × BT-119 (20) / 100 (20.00) ±1"
    assert finding.location == "vat_breakdown[0].tax_amount"


# VAT categories


def test_br_s_08_per_rate() -> None:
    lines = (_line("100.00", rate="20", line_id="1"), _line("50.00", rate="10", line_id="2"))
    breakdown = (
        VatBreakdown(taxable_amount=D("100.00"), tax_amount=D("20.00"), category="S", rate=D("20")),
        VatBreakdown(taxable_amount=D("52.00"), tax_amount=D("5.20"), category="S", rate=D("10")),
    )
    invoice = _invoice(lines, None, breakdown)
    cii = _only(native_checks(invoice, "cii"), "BR-S-08")
    assert cii.location == "vat_breakdown[1].taxable_amount"
    assert cii.message == "BT-116 (52.00) != Σ BT-131 + Σ BT-99 − Σ BT-92 at S 10% (50.00)"
    assert "BR-S-08" in _rules(native_checks(invoice, "ubl"))  # off by 2: outside ±1


def test_br_s_08_ubl_tolerates_less_than_one() -> None:
    lines = (_line("50.00", rate="10"),)
    breakdown = (VatBreakdown(taxable_amount=D("50.99"), tax_amount=D("5.10"), category="S", rate=D("10")),)
    invoice = _invoice(lines, None, breakdown)
    assert "BR-S-08" not in _rules(native_checks(invoice, "ubl"))
    assert "BR-S-08" in _rules(native_checks(invoice, "cii"))  # CII compares exactly


def test_br_s_09_cii() -> None:
    breakdown = (VatBreakdown(taxable_amount=D("100.00"), tax_amount=D("30.00"), category="S", rate=D("20")),)
    finding = _only(native_checks(_invoice((), None, breakdown), "cii"), "BR-S-09")
    assert finding.message == "BT-117 (30.00) != BT-116 (100.00) × BT-119 (20) / 100 (20.00) ±1"


def test_rate_rules_per_category() -> None:
    lines = (_line("10", "Z", "5", "A"), _line("10", "O", "0", "B"), _line("10", "E", None, "C"))
    charges = (
        AllowanceCharge(is_charge=False, amount=D("1"), vat_category="K", vat_rate=D("1")),
        AllowanceCharge(is_charge=True, amount=D("1"), vat_category="AE", vat_rate=D("7")),
    )
    found = native_checks(_invoice(lines, None, charges=charges), "cii")
    assert {"BR-Z-05", "BR-O-05", "BR-E-05", "BR-IC-06", "BR-AE-07"} <= _rules(found)
    assert _only(found, "BR-Z-05").message == "line A: BT-152 (5) must be 0 for category Z"
    assert _only(found, "BR-O-05").location == "lines[1].vat_rate"
    assert _only(found, "BR-AE-07").message == "BT-103 (7) must be 0 for category AE"


def test_exemption_reason_rules() -> None:
    breakdown = (
        VatBreakdown(taxable_amount=D("10"), tax_amount=D("0"), category="E", rate=D("0")),
        VatBreakdown(
            taxable_amount=D("10"), tax_amount=D("0"), category="Z", rate=D("0"), exemption_reason_code="VATEX-EU-O"
        ),
    )
    found = native_checks(_invoice((_line("10", "E", "0"), _line("10", "Z", "0")), None, breakdown), "cii")
    assert _only(found, "BR-E-10").location == "vat_breakdown[0]"
    assert _only(found, "BR-Z-10").message == (
        "category Z must not have an exemption reason (BT-120/BT-121), found 'VATEX-EU-O'"
    )


def test_zero_tax_categories_need_zero_tax() -> None:
    breakdown = (
        VatBreakdown(taxable_amount=D("10"), tax_amount=D("1"), category="K", rate=D("0"), exemption_reason="IC"),
    )
    found = native_checks(_invoice((_line("10", "K", "0"),), None, breakdown), "ubl")
    assert _only(found, "BR-IC-09").message == "BT-117 (1) must be 0 for category K"


def test_category_presence_cii() -> None:
    found = native_checks(_invoice((_line("10", "Z", "0"),), None), "cii")
    assert _only(found, "BR-Z-01").message == (
        "VAT category Z is used by 1 line(s) and 0 document allowance(s)/charge(s) but has 0 VAT breakdown(s) (BG-23)"
    )


def test_category_codes_compare_as_each_syntax_does() -> None:
    assert category_is(" S\n", "S", "ubl")
    assert not category_is(" S\n", "S", "cii")
    assert normalize_space("  a \t b\r\n") == "a b"


def test_unknown_syntax_runs_only_own_checks() -> None:
    invoice = _invoice((_line("1"),), Totals(line_total=D("2")))
    assert native_checks(invoice, "edifact-xml") == []
