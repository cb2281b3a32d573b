"""Aiguillage's own identifier and code checks (``AIG-*``): warnings only, never fatal.

The official rule sets are the truth on validity; these checks catch typing
errors the official rules do not see (a SIREN with a wrong check digit, a VAT
number that cannot exist) and report them as warnings:

- ``AIG-SIREN`` / ``AIG-SIRET``: BT-30 / BT-47 with scheme ``0002`` / ``0009``
  (``python-stdnum``: ``stdnum.fr.siren``, ``stdnum.fr.siret``);
- ``AIG-VAT``: BT-31 / BT-48 / BT-63 with an EU prefix (``stdnum.eu.vat``);
  other prefixes (``GB``, ``CH``, ``NO``…) are not checked;
- ``AIG-COUNTRY``: BT-40 / BT-55 / BT-69 / BT-80 / BT-159 against ISO 3166-1
  alpha-2 (``pycountry``) plus the extras of the EN 16931 code list (``1A``, ``XI``);
- ``AIG-CURRENCY``: BT-5 / BT-6 against ISO 4217 (``pycountry``) plus the extras
  of the EN 16931 code list (``CNH``, ``STD``).
"""

from __future__ import annotations

from collections.abc import Callable

import pycountry
from stdnum.eu import vat as eu_vat
from stdnum.fr import siren, siret

from formats.model import Address, Invoice, Party
from formats.validation.findings import Finding
from formats.validation.native_xpath import warning

__all__ = ["ID_RULES", "check_identifiers"]

ID_RULES = frozenset({"AIG-SIREN", "AIG-SIRET", "AIG-VAT", "AIG-COUNTRY", "AIG-CURRENCY"})
"""Our own rule ids (always warnings)."""

#: Country codes of the EN 16931 list (BR-CL-14) that are not ISO 3166-1 alpha-2.
EXTRA_COUNTRIES = frozenset({"1A", "XI"})
#: Currency codes of the EN 16931 list (BR-CL-04) that are not in ISO 4217 as pycountry has it.
EXTRA_CURRENCIES = frozenset({"CNH", "STD"})
#: VAT prefixes stdnum checks: the EU member states, Greece as EL, Northern Ireland as XI.
_EU_VAT_PREFIXES = frozenset(code.upper() for code in eu_vat.MEMBER_STATES) | {"EL"}

_LEGAL_SCHEMES: dict[str, tuple[str, str, Callable[[str], bool]]] = {
    "0002": ("AIG-SIREN", "SIREN", siren.is_valid),
    "0009": ("AIG-SIRET", "SIRET", siret.is_valid),
}


def check_identifiers(invoice: Invoice) -> list[Finding]:
    """Run the ``AIG-*`` checks on one invoice.

    :return: warnings only.
    """
    found: list[Finding] = []
    parties: tuple[tuple[str, Party | None, str, str], ...] = (
        ("seller", invoice.seller, "BT-30", "BT-31"),
        ("buyer", invoice.buyer, "BT-47", "BT-48"),
    )
    for role, party, legal_term, vat_term in parties:
        if party is None:
            continue
        found += _legal_registration(party, role, legal_term)
        found += _vat(party.vat_id, f"{role}.vat_id", vat_term)
    representative = invoice.tax_representative
    if representative is not None:
        found += _vat(representative.vat_id, "tax_representative.vat_id", "BT-63")
    addresses: tuple[tuple[str, Address | None, str], ...] = (
        ("seller.address", invoice.seller.address if invoice.seller else None, "BT-40"),
        ("buyer.address", invoice.buyer.address if invoice.buyer else None, "BT-55"),
        ("tax_representative.address", representative.address if representative else None, "BT-69"),
        ("delivery.address", invoice.delivery.address if invoice.delivery else None, "BT-80"),
    )
    for path, address, term in addresses:
        if address is not None:
            found += _country(address.country_code, f"{path}.country_code", term)
    for index, line in enumerate(invoice.lines):
        if line.item is not None:
            found += _country(line.item.origin_country, f"lines[{index}].item.origin_country", "BT-159")
    found += _currency(invoice.currency, "currency", "BT-5")
    found += _currency(invoice.tax_currency, "tax_currency", "BT-6")
    return found


def _legal_registration(party: Party, role: str, term: str) -> list[Finding]:
    registration = party.legal_registration
    if registration is None or registration.scheme is None:
        return []
    known = _LEGAL_SCHEMES.get(registration.scheme.strip())
    if known is None:
        return []
    rule, name, is_valid = known
    if is_valid(registration.value):
        return []
    message = f"{term} ({registration.value!r}, scheme {registration.scheme}) is not a valid {name}"
    return [warning(rule, f"{role}.legal_registration", message)]


def _vat(value: str | None, path: str, term: str) -> list[Finding]:
    if value is None:
        return []
    prefix = value.strip()[:2].upper()
    if prefix not in _EU_VAT_PREFIXES or eu_vat.is_valid(value):
        return []
    return [warning("AIG-VAT", path, f"{term} ({value!r}) is not a valid {prefix} VAT number")]


def is_known_country(code: str) -> bool:
    """Tell whether a code is in the EN 16931 country list: ISO 3166-1 alpha-2 or ``1A`` / ``XI``."""
    return code in EXTRA_COUNTRIES or (
        len(code) == 2 and code.isupper() and pycountry.countries.get(alpha_2=code) is not None
    )


def is_known_currency(code: str) -> bool:
    """Tell whether a code is in the EN 16931 currency list: ISO 4217 or ``CNH`` / ``STD``."""
    return code in EXTRA_CURRENCIES or (
        len(code) == 3 and code.isupper() and pycountry.currencies.get(alpha_3=code) is not None
    )


def _country(code: str | None, path: str, term: str) -> list[Finding]:
    if code is None or is_known_country(code):
        return []
    return [warning("AIG-COUNTRY", path, f"{term} ({code!r}) is not an ISO 3166-1 alpha-2 country code")]


def _currency(code: str | None, path: str, term: str) -> list[Finding]:
    if code is None or is_known_currency(code):
        return []
    return [warning("AIG-CURRENCY", path, f"{term} ({code!r}) is not an ISO 4217 currency code")]
