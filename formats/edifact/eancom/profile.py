"""EANCOM partner profiles: the qualifier choices of one trading partner, from YAML.

EANCOM leaves several choices to the partners (DTM 13 or 140 for the due date,
MOA 77 or 86 for the total, NAD BY or IV for the buyer…). They live in a
profile file checked against ``schemas/eancom-profile.schema.json`` so that a
mistake is reported as ``file:line: key: message``; the writer follows the
profile, the reader accepts every variant.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from formats.config_schema import Problem, check_schema, format_key, key_lines, load_schema
from formats.errors import ConfigError

__all__ = ["DEFAULT_PROFILE_PATH", "EancomProfile", "default_profile", "load_profile", "parse_profile"]

DEFAULT_PROFILE_PATH = Path(__file__).resolve().parents[3] / "mappings" / "eancom" / "default.yaml"
"""The profile ``render_invoice(invoice, "edifact-eancom")`` uses."""


@dataclass(frozen=True, slots=True, kw_only=True)
class EancomProfile:
    """One partner's EANCOM INVOIC choices; defaults are the EANCOM 1997 usual ones."""

    name: str
    """Profile name shown in messages."""
    syntax_id: str = "UNOC"
    """UNB S001 0001 (``syntax-id``)."""
    syntax_version: str = "3"
    """UNB S001 0002 (``syntax-version``)."""
    association_code: str = "EAN008"
    """UNH S009 0057 (``association-code``)."""
    seller_party: str = "SU"
    """NAD 3035 of the seller, BG-4 (``seller-party``)."""
    buyer_party: str = "BY"
    """NAD 3035 of the buyer, BG-7 (``buyer-party``)."""
    due_date: str = "13"
    """DTM 2005 of BT-9 in the PAT group (``due-date``)."""
    invoicing_period: str = "263"
    """``263`` (one DTM, format 718) or ``167-168`` (two DTMs) for BG-14 / BG-26 (``invoicing-period``)."""
    despatch_advice: str = "DQ"
    """RFF 1153 of BT-16 (``despatch-advice``)."""
    preceding_invoice: str = "IV"
    """RFF 1153 of BT-25 (``preceding-invoice``)."""
    invoice_total: str = "77"
    """MOA 5025 of BT-112 (``invoice-total``)."""
    tax_total: str = "176"
    """MOA 5025 of BT-110 (``tax-total``)."""
    allowance_amount: str = "8"
    """``8`` or ``204-23``: the MOA qualifier of an allowance or charge amount (``allowance-amount``)."""
    prices: tuple[str, ...] = ("AAA", "AAB")
    """PRI 5125 qualifiers sent: ``AAA`` net (BT-146), ``AAB`` gross (BT-148) (``prices``)."""
    line_vat: bool = True
    """Send TAX on lines, BT-151/152 (``line-vat``)."""


def parse_profile(text: str, source: str) -> EancomProfile:
    """Check one profile document and build the profile.

    :param text: the YAML text.
    :param source: the file name used in messages.
    :raises ConfigError: listing every problem as ``file:line: key: message``.
    """
    try:
        data = yaml.safe_load(text)
        lines = key_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}" if mark is not None else source
        raise ConfigError(f"{where}: not valid YAML: {exc}", path=source) from exc
    if not isinstance(data, dict):
        raise _error(source, [Problem((), 1, "expected a mapping")])
    problems = check_schema(data, load_schema("eancom-profile"), lines)
    if problems:
        raise _error(source, problems)
    values: dict[str, Any] = {key.replace("-", "_"): value for key, value in data.items() if key != "description"}
    if "syntax_version" in values:
        values["syntax_version"] = str(values["syntax_version"])
    if "prices" in values:
        values["prices"] = tuple(values["prices"])
    return EancomProfile(**values)


def load_profile(path: Path) -> EancomProfile:
    """Read and check a profile file.

    :raises ConfigError: the file cannot be read, or breaks the schema.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read the EANCOM profile: {exc.strerror}", path=str(path)) from exc
    return parse_profile(text, str(path))


@cache
def default_profile() -> EancomProfile:
    """Return the default profile, ``mappings/eancom/default.yaml``."""
    return load_profile(DEFAULT_PROFILE_PATH)


def _error(source: str, problems: list[Problem]) -> ConfigError:
    ordered = sorted(problems, key=lambda p: (p.line or 0, format_key(p.key)))
    return ConfigError(
        f"{len(ordered)} problem(s) in EANCOM profile:\n" + "\n".join(p.render(source) for p in ordered),
        path=source,
    )
