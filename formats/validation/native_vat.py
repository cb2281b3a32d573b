"""VAT breakdown (BG-23) and VAT category rules of CEN EN 16931 on the model.

Copied from the CEN 1.3.16 artefacts, syntax by syntax (the UBL and CII
Schematrons differ in places, and the differences are kept):

- BR-CO-17: BT-117 = BT-116 × BT-119 / 100 within ±1; the bounds are strict in
  UBL (``<``, ``>``) and inclusive in CII (``<=``, ``>=``). A rate that rounds
  to 0, or no rate, requires a tax amount that rounds to 0.
- BR-x-01 (category used ⇒ breakdown of that category): "exactly one" for
  Z/E/AE/K/G/O, "at least one" for S; CII counts differently from UBL
  (a lone CII breakdown without any line/allowance/charge fails).
- BR-x-05/06/07: the rate of a line / document allowance / document charge:
  S > 0; Z/E/AE/K/G = 0; O has none; L and M ≥ 0 (CII: L > 0).
- BR-S-08 per rate (UBL ±1, CII exact on separately rounded sums); BR-x-08 for
  Z/E/AE/K/G (UBL exact unrounded, CII ±1) and O (exact in both).
- BR-S-09 (±1, strict), BR-x-09 = 0 for the zero-tax categories; BR-AF-09 and
  BR-AG-09 in UBL only (the CII assertion is ``true()``).
- BR-x-10: exemption reason (BT-120/121) required for E/AE/K/G/O, forbidden for S/Z/L/M.

The rule ids follow the category code: K → ``BR-IC``, L → ``BR-AF``, M → ``BR-AG``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from types import MappingProxyType

from formats.model import AllowanceCharge, Invoice, InvoiceLine, VatBreakdown
from formats.validation.findings import Finding
from formats.validation.native_xpath import category_is, fatal, hundredths, round2, xpath_round

__all__ = ["VAT_RULES", "check_vat"]

_PREFIX = {"S": "BR-S", "Z": "BR-Z", "E": "BR-E", "AE": "BR-AE", "K": "BR-IC", "G": "BR-G", "O": "BR-O"}
_EXTRA_PREFIX = {"L": "BR-AF", "M": "BR-AG"}
_ZERO_TAX = ("Z", "E", "AE", "K", "G", "O")
_EXACTLY_ONE = ("Z", "E", "AE", "K", "G", "O")
_NEEDS_REASON = ("E", "AE", "K", "G", "O")
_NO_REASON = ("S", "Z", "L", "M")
_ZERO = Decimal(0)
_ONE = Decimal(1)

_ALL_RULES = frozenset(
    {"BR-CO-17", "BR-S-01", "BR-S-08", "BR-S-09"}
    | {f"{_PREFIX[c]}-01" for c in _EXACTLY_ONE}
    | {f"{p}-{n}" for p in (*_PREFIX.values(), *_EXTRA_PREFIX.values()) for n in ("05", "06", "07")}
    | {f"{_PREFIX[c]}-{n}" for c in _ZERO_TAX for n in ("08", "09")}
    | {"BR-AF-09", "BR-AG-09"}
    | {f"{({**_PREFIX, **_EXTRA_PREFIX})[c]}-10" for c in (*_NEEDS_REASON, *_NO_REASON)}
)

#: Left out for UBL because the model cannot see what the UBL assertion depends on:
#: - the "exactly one breakdown" rules count subtotals in *every* root ``cac:TaxTotal``;
#:   the model holds the first VAT TaxTotal's breakdown only (others are extensions);
#: - the reader takes a ``cac:TaxCategory`` without ``cac:TaxScheme`` as VAT, while the
#:   rule contexts require ``cac:TaxScheme/cbc:ID = 'VAT'``; the corpus has such
#:   categories for S lines (BR-S-05), S breakdowns (BR-S-09) and G breakdowns (BR-G-08/09/10).
_UBL_UNJUDGEABLE = frozenset(
    {f"{_PREFIX[c]}-01" for c in _EXACTLY_ONE} | {"BR-S-05", "BR-S-09", "BR-G-08", "BR-G-09", "BR-G-10"}
)

VAT_RULES: Mapping[str, frozenset[str]] = MappingProxyType({"ubl": _ALL_RULES - _UBL_UNJUDGEABLE, "cii": _ALL_RULES})
"""Official rule ids this module implements, per syntax."""


def _sum(values: Iterable[Decimal | None]) -> Decimal:
    return sum((v for v in values if v is not None), _ZERO)


def _show(value: Decimal | None) -> str:
    return "missing" if value is None else str(value)


def check_vat(invoice: Invoice, syntax: str) -> list[Finding]:
    """Run BR-CO-17 and the VAT category rules on one invoice.

    :param syntax: ``ubl`` or ``cii``: which artefact's variant of each rule to follow.
    :return: one fatal finding per failed rule and place.
    """
    found: list[Finding] = []
    for index, vat in enumerate(invoice.vat_breakdown):
        found += _br_co_17(vat, index, syntax)
    for code, prefix in _PREFIX.items():
        found += _presence(invoice, code, prefix, syntax)
    for code, prefix in {**_PREFIX, **_EXTRA_PREFIX}.items():
        found += _rates(invoice, code, prefix, syntax)
    for index, vat in enumerate(invoice.vat_breakdown):
        found += _breakdown(invoice, vat, index, syntax)
    implemented = VAT_RULES[syntax]
    return [finding for finding in found if finding.rule in implemented]


def _within_one(tax: Decimal, computed: Decimal, *, inclusive: bool) -> bool:
    low, high = abs(tax) - _ONE, abs(tax) + _ONE
    return low <= computed <= high if inclusive else low < computed < high


def _br_co_17(vat: VatBreakdown, index: int, syntax: str) -> list[Finding]:
    rate, tax, base = vat.rate, vat.tax_amount, vat.taxable_amount
    computed: Decimal | None = None
    if rate is not None and xpath_round(rate) != 0:
        if tax is not None and base is not None:
            computed = round2(abs(base) * (rate / 100))
            if _within_one(tax, computed, inclusive=syntax == "cii"):
                return []
    elif tax is not None and xpath_round(tax) == 0:
        return []
    if computed is None and (rate is None or xpath_round(rate) == 0):
        message = f"BT-117 ({_show(tax)}) must round to 0 when BT-119 ({_show(rate)}) rounds to 0 or is absent"
    else:
        message = (
            f"BT-117 ({_show(tax)}) != BT-116 ({_show(base)}) × BT-119 ({_show(rate)}) / 100 ({_show(computed)}) ±1"
        )
    return [fatal("BR-CO-17", f"vat_breakdown[{index}].tax_amount", message)]


def _presence(invoice: Invoice, code: str, prefix: str, syntax: str) -> list[Finding]:
    """BR-x-01: a category used on a line, allowance or charge needs its breakdown."""
    lines = sum(1 for line in invoice.lines if category_is(line.vat_category, code, syntax))
    charges = sum(1 for ac in invoice.allowances_charges if category_is(ac.vat_category, code, syntax))
    breakdowns = sum(1 for vat in invoice.vat_breakdown if category_is(vat.category, code, syntax))
    if code == "S":
        if syntax == "ubl":
            ok = (lines + charges > 0) == (breakdowns > 0)
        else:
            ok = (lines + breakdowns >= 2 or lines == 0) and (charges + breakdowns >= 2 or charges == 0)
    elif syntax == "ubl":
        # The breakdown's own TaxCategory counts as a use: then exactly one breakdown is needed.
        ok = lines + charges + breakdowns == 0 or breakdowns == 1
    elif code == "O":
        ok = breakdowns == 0 or (breakdowns == 1 and lines + charges > 0)
    else:
        ok = (breakdowns == 0 and lines + charges == 0) or (breakdowns == 1 and lines + charges > 0)
    if ok:
        return []
    message = (
        f"VAT category {code} is used by {lines} line(s) and {charges} document allowance(s)/charge(s) "
        f"but has {breakdowns} VAT breakdown(s) (BG-23)"
    )
    return [fatal(f"{prefix}-01", "vat_breakdown", message)]


def _rate_ok(code: str, rate: Decimal | None, syntax: str) -> bool:
    if code == "O":
        return rate is None
    if rate is None:
        return False
    if code == "S" or (code == "L" and syntax == "cii"):
        return rate > 0
    if code in ("L", "M"):
        return rate >= 0
    return rate == 0


def _rate_rule(code: str, syntax: str) -> str:
    if code == "O":
        return "must be absent"
    if code == "S" or (code == "L" and syntax == "cii"):
        return "must be > 0"
    return "must be >= 0" if code in ("L", "M") else "must be 0"


def _rates(invoice: Invoice, code: str, prefix: str, syntax: str) -> list[Finding]:
    """BR-x-05 (lines, BT-152), BR-x-06 (allowances, BT-96), BR-x-07 (charges, BT-103)."""
    found: list[Finding] = []
    for index, line in enumerate(invoice.lines):
        if category_is(line.vat_category, code, syntax) and not _rate_ok(code, line.vat_rate, syntax):
            rule = _rate_rule(code, syntax)
            message = f"line {line.id or index + 1}: BT-152 ({_show(line.vat_rate)}) {rule} for category {code}"
            found.append(fatal(f"{prefix}-05", f"lines[{index}].vat_rate", message))
    for index, ac in enumerate(invoice.allowances_charges):
        if category_is(ac.vat_category, code, syntax) and not _rate_ok(code, ac.vat_rate, syntax):
            rule, term = (f"{prefix}-07", "BT-103") if ac.is_charge else (f"{prefix}-06", "BT-96")
            message = f"{term} ({_show(ac.vat_rate)}) {_rate_rule(code, syntax)} for category {code}"
            found.append(fatal(rule, f"allowances_charges[{index}].vat_rate", message))
    return found


def _breakdown(invoice: Invoice, vat: VatBreakdown, index: int, syntax: str) -> list[Finding]:
    """BR-x-08, -09, -10 on one BG-23 entry."""
    found: list[Finding] = []
    where = f"vat_breakdown[{index}]"
    for code, prefix in {**_PREFIX, **_EXTRA_PREFIX}.items():
        if not category_is(vat.category, code, syntax):
            continue
        if code == "S":
            found += _br_s_08(invoice, vat, where, syntax)
        elif code in _ZERO_TAX:
            found += _base_08(invoice, vat, code, prefix, where, syntax)
        if code in ("S", "L", "M") and (code == "S" or syntax == "ubl"):
            found += _tax_09(vat, code, prefix, where, syntax)
        elif code in _ZERO_TAX and (vat.tax_amount is None or vat.tax_amount != 0):
            message = f"BT-117 ({_show(vat.tax_amount)}) must be 0 for category {code}"
            found.append(fatal(f"{prefix}-09", f"{where}.tax_amount", message))
        has_reason = vat.exemption_reason is not None or vat.exemption_reason_code is not None
        if code in _NEEDS_REASON and not has_reason:
            message = f"category {code} requires an exemption reason (BT-120) or reason code (BT-121)"
            found.append(fatal(f"{prefix}-10", where, message))
        elif code in _NO_REASON and has_reason:
            reason = vat.exemption_reason_code or vat.exemption_reason
            message = f"category {code} must not have an exemption reason (BT-120/BT-121), found {reason!r}"
            found.append(fatal(f"{prefix}-10", where, message))
    return found


def _matching(
    invoice: Invoice, code: str, syntax: str, rate_filter: Callable[[Decimal | None], bool]
) -> tuple[list[InvoiceLine], list[AllowanceCharge]]:
    lines = [
        line for line in invoice.lines if category_is(line.vat_category, code, syntax) and rate_filter(line.vat_rate)
    ]
    charges = [
        ac
        for ac in invoice.allowances_charges
        if category_is(ac.vat_category, code, syntax) and rate_filter(ac.vat_rate)
    ]
    return lines, charges


def _br_s_08(invoice: Invoice, vat: VatBreakdown, where: str, syntax: str) -> list[Finding]:
    rate, base = vat.rate, vat.taxable_amount
    if rate is None:
        return []  # "every $rate in BT-119 satisfies …" holds vacuously
    lines, acs = _matching(invoice, "S", syntax, lambda r: r is not None and r == rate)
    line_sum = _sum(line.net_amount for line in lines)
    charge_sum = _sum(ac.amount for ac in acs if ac.is_charge)
    allowance_sum = _sum(ac.amount for ac in acs if not ac.is_charge)
    if syntax == "cii":
        expected = round2(line_sum) + round2(charge_sum) - round2(allowance_sum)
        if base is not None and base == expected:
            return []
        message = f"BT-116 ({_show(base)}) != Σ BT-131 + Σ BT-99 − Σ BT-92 at S {rate}% ({expected})"
    else:
        expected = line_sum + charge_sum - allowance_sum
        near = base is not None and base - _ONE < expected < base + _ONE
        # Either line type's branch: the other line type sums to 0 and passes on allowances/charges alone.
        acs_only = base is not None and base - _ONE < charge_sum - allowance_sum < base + _ONE
        if ((lines or acs) and near) or (acs and acs_only):
            return []
        message = (
            f"BT-116 ({_show(base)}) differs by 1 or more from Σ BT-131 + Σ BT-99 − Σ BT-92 at S {rate}% ({expected})"
        )
    return [fatal("BR-S-08", f"{where}.taxable_amount", message)]


def _base_08(invoice: Invoice, vat: VatBreakdown, code: str, prefix: str, where: str, syntax: str) -> list[Finding]:
    base = vat.taxable_amount
    lines, acs = _matching(invoice, code, syntax, lambda _: True)
    line_sum = _sum(line.net_amount for line in lines)
    charge_sum = _sum(ac.amount for ac in acs if ac.is_charge)
    allowance_sum = _sum(ac.amount for ac in acs if not ac.is_charge)
    if syntax == "ubl":
        expected = line_sum + charge_sum - allowance_sum
        ok = bool(invoice.lines) and base is not None and base == expected
        relation = "!="
    else:
        expected = round2(line_sum) + round2(charge_sum) - round2(allowance_sum)
        if code == "O":
            ok = base is not None and base == expected
            relation = "!="
        else:
            ok = base is not None and base - _ONE < expected < base + _ONE
            relation = "differs by 1 or more from"
    if ok:
        return []
    message = f"BT-116 ({_show(base)}) {relation} Σ BT-131 + Σ BT-99 − Σ BT-92 for category {code} ({expected})"
    return [fatal(f"{prefix}-08", f"{where}.taxable_amount", message)]


def _tax_09(vat: VatBreakdown, code: str, prefix: str, where: str, syntax: str) -> list[Finding]:
    rate, tax, base = vat.rate, vat.tax_amount, vat.taxable_amount
    if rate is not None and tax is not None and base is not None:
        computed = hundredths(xpath_round(abs(base) * rate)) if syntax == "cii" else round2(abs(base) * (rate / 100))
        if _within_one(tax, computed, inclusive=False):
            return []
    else:
        computed = None
    message = f"BT-117 ({_show(tax)}) != BT-116 ({_show(base)}) × BT-119 ({_show(rate)}) / 100 ({_show(computed)}) ±1"
    return [fatal(f"{prefix}-09", f"{where}.tax_amount", message)]
