"""Namespaces of UN/CEFACT Cross Industry Invoice (CII) D16B and D22B.

Both releases use the same four namespaces (the version lives in the XSD, not
in the URIs), so one reader and one writer serve Factur-X / ZUGFeRD 2.x (D16B)
and the French EXTENDED-CTC-FR profile (D22B).
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Final

__all__ = [
    "CII_NAMESPACES",
    "QDT",
    "RAM",
    "RSM",
    "UDT",
    "URI_TO_PREFIX",
    "ZUGFERD_1_NAMESPACE",
]

RSM: Final = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
"""Root schema module: ``rsm:CrossIndustryInvoice`` and its three top-level children."""
RAM: Final = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
"""Reusable aggregate business information entities: almost every element."""
QDT: Final = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100"
"""Qualified data types (``qdt:DateTimeString`` in ``FormattedIssueDateTime``)."""
UDT: Final = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
"""Unqualified data types (``udt:DateTimeString``, ``udt:DateString``, ``udt:Indicator``)."""

ZUGFERD_1_NAMESPACE: Final = "urn:ferd:CrossIndustryDocument:invoice:1p0"
"""Root namespace of ZUGFeRD 1.0 (``rsm:CrossIndustryDocument``), which predates EN 16931."""

#: Prefix → namespace URI, as the writer declares them on the root.
CII_NAMESPACES: Final = MappingProxyType({"rsm": RSM, "ram": RAM, "qdt": QDT, "udt": UDT})

#: Namespace URI → prefix, for extension paths (:func:`formats.leftovers.capture`).
URI_TO_PREFIX: Final = MappingProxyType({uri: prefix for prefix, uri in CII_NAMESPACES.items()})


#: BT-8 value added tax point date code: EN 16931 and UBL use UNTDID 2005, CII
#: UNTDID 2475 (CEN rule BR-CL-06); the three codes mean the same thing.
TAX_POINT_CODES_2005_TO_2475 = {"3": "5", "35": "29", "432": "72"}
TAX_POINT_CODES_2475_TO_2005 = {cii: en for en, cii in TAX_POINT_CODES_2005_TO_2475.items()}
