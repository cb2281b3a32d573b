"""Building blocks shared by the EN 16931 model: identifiers, addresses, contacts.

EN 16931-1:2017+A1:2019, clause 6 (semantic data model). Every field carries
its business-term id (BT-n) or group id (BG-n) in its docstring.
"""

from __future__ import annotations

from dataclasses import dataclass

from formats.model._fast_init import fast_init

__all__ = ["Address", "Contact", "Identifier"]


@fast_init
@dataclass(frozen=True, slots=True)
class Identifier:
    """An identifier with its optional scheme (ISO 6523 ICD, EAS code, or other).

    Examples: SIREN ``0002``, SIRET ``0009``, GLN ``0088``, French e-address
    ``0225``, VAT ``9957``. The scheme is kept verbatim; it is never guessed.
    """

    value: str
    """The identifier itself."""
    scheme: str | None = None
    """Scheme identifier (e.g. BT-29-1, BT-30-1, BT-34-1), when given."""
    scheme_version: str | None = None
    """Scheme version (only BT-158-2, item classification list version)."""


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class Address:
    """A postal address: BG-5 (seller), BG-8 (buyer), BG-12 (tax rep.), BG-15 (deliver to)."""

    line1: str | None = None
    """BT-35 / BT-50 / BT-64 / BT-75 Address line 1."""
    line2: str | None = None
    """BT-36 / BT-51 / BT-65 / BT-76 Address line 2."""
    line3: str | None = None
    """BT-162 / BT-163 / BT-164 / BT-165 Address line 3."""
    city: str | None = None
    """BT-37 / BT-52 / BT-66 / BT-77 City."""
    post_code: str | None = None
    """BT-38 / BT-53 / BT-67 / BT-78 Post code."""
    country_subdivision: str | None = None
    """BT-39 / BT-54 / BT-68 / BT-79 Country subdivision."""
    country_code: str | None = None
    """BT-40 / BT-55 / BT-69 / BT-80 Country code (ISO 3166-1 alpha-2)."""


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class Contact:
    """A contact: BG-6 (seller), BG-9 (buyer)."""

    name: str | None = None
    """BT-41 / BT-56 Contact point."""
    telephone: str | None = None
    """BT-42 / BT-57 Contact telephone number."""
    email: str | None = None
    """BT-43 / BT-58 Contact email address."""
