"""The Aiguillage error tree.

The root lives here, in the lowest layer, so that every package (``formats``,
``chorus``, ``peppol``, ``gateway``) can subclass it without importing upward::

    AiguillageError                 code="error"
    ├── ConfigError                 code="config"            a config file or setting is wrong
    ├── ArtefactError               code="artefact"          an official schema/rule file is missing or altered
    └── FormatError                 code="format"            bytes that cannot become an invoice
        ├── InputTooLarge           code="format.too-large"
        ├── UnsafeXml               code="format.unsafe-xml"  DTD, entity, too deep
        ├── ParseError              code="format.parse"       not well-formed, truncated, empty
        ├── UnsupportedFormat       code="format.unsupported" well-formed but not an invoice we read
        │   ├── LegacyFormat        code="format.legacy"      e.g. ZUGFeRD 1.0
        │   └── NoEmbeddedInvoice   code="format.no-embedded-invoice" a PDF without invoice XML (plain PDF)
        └── NotRepresentable        code="format.not-representable" the target syntax cannot hold this invoice

Every error carries a stable ``code``, a one-line message and optional context
(``path``, ``rule_id``...). CLI and API map ``code`` to exit status / HTTP status
in one place each.
"""

from __future__ import annotations

from typing import ClassVar

__all__ = [
    "AiguillageError",
    "ArtefactError",
    "ConfigError",
    "FormatError",
    "InputTooLarge",
    "LegacyFormat",
    "NoEmbeddedInvoice",
    "NotRepresentable",
    "ParseError",
    "UnsafeXml",
    "UnsupportedFormat",
]


class AiguillageError(Exception):
    """Base of every error the product raises on purpose."""

    code: ClassVar[str] = "error"

    def __init__(self, message: str, *, path: str | None = None, rule_id: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: Where the problem is: a file name, a config key path or an XPath.
        self.path = path
        #: The business rule concerned, when there is one.
        self.rule_id = rule_id

    def one_line(self) -> str:
        """Return the message as one line, prefixed with its location when known."""
        text = " ".join(self.message.split())
        return f"{self.path}: {text}" if self.path else text


class ConfigError(AiguillageError):
    """A configuration file or setting is invalid; ``path`` names file and key."""

    code = "config"


class ArtefactError(AiguillageError):
    """An official artefact (XSD, XSLT) cannot be found or does not match its pin."""

    code = "artefact"


class FormatError(AiguillageError):
    """Input bytes that cannot be turned into an invoice."""

    code = "format"


class InputTooLarge(FormatError):
    """The input is larger than the configured limit."""

    code = "format.too-large"


class UnsafeXml(FormatError):
    """The XML uses a feature we refuse: DTD, entities, excessive depth."""

    code = "format.unsafe-xml"


class ParseError(FormatError):
    """The input is not well-formed (empty, truncated, wrong encoding...)."""

    code = "format.parse"


class UnsupportedFormat(FormatError):
    """Well-formed input that is not a document type we read."""

    code = "format.unsupported"


class LegacyFormat(UnsupportedFormat):
    """A known but retired format, such as ZUGFeRD 1.0."""

    code = "format.legacy"


class NotRepresentable(FormatError):
    """The target syntax cannot hold the invoice at all (not just one term)."""

    code = "format.not-representable"


class NoEmbeddedInvoice(UnsupportedFormat):
    """A PDF that carries no invoice XML: a plain PDF, read only through a mapping file."""

    code = "format.no-embedded-invoice"
