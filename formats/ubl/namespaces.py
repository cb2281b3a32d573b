"""UBL 2.1 namespaces (OASIS UBL 2.1, ISO/IEC 19845:2015) and the prefixes Aiguillage uses.

The root element of a document lives in its own namespace (``Invoice-2`` or
``CreditNote-2``); every other element is a common aggregate (``cac``) or basic
(``cbc``) component. Extension paths (:mod:`formats.leftovers`) name the root
``inv:Invoice`` or ``cn:CreditNote``; the writer declares the root namespace as
the default one, which is what every UBL sample does.
"""

from __future__ import annotations

from types import MappingProxyType

__all__ = [
    "CAC",
    "CBC",
    "CREDIT_NOTE",
    "EXT",
    "INVOICE",
    "PREFIX_TO_URI",
    "UBL_NAMESPACES",
    "URI_TO_PREFIX",
]

INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
"""Namespace of the ``Invoice`` root element."""
CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
"""Namespace of the ``CreditNote`` root element."""
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
"""Common aggregate components (``cac:``)."""
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
"""Common basic components (``cbc:``)."""
EXT = "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2"
"""UBL extension components (``ext:UBLExtensions``); never mapped, kept as extensions."""

#: Prefix → namespace URI, the prefixes of extension paths (and ``cac``/``cbc`` of the output).
PREFIX_TO_URI = MappingProxyType({"inv": INVOICE, "cn": CREDIT_NOTE, "cac": CAC, "cbc": CBC, "ext": EXT})

#: Namespace URI → prefix, as :func:`formats.leftovers.capture` wants it.
URI_TO_PREFIX = MappingProxyType({uri: prefix for prefix, uri in PREFIX_TO_URI.items()})

#: The public prefix map (prefix → URI), e.g. for XPath over UBL documents.
UBL_NAMESPACES = PREFIX_TO_URI
