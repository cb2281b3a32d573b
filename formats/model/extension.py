"""The extension part: source data that EN 16931 does not define.

Factur-X EXTENDED, EXTENDED-CTC-FR (``EXT-FR-FE-*``), and any element a reader
does not map to a business term are kept here verbatim, so that nothing valid
in the source is silently dropped. A writer of the same syntax puts them back
in place; a writer of another syntax reports each one as a conversion warning.
"""

from __future__ import annotations

from dataclasses import dataclass

from formats.model._fast_init import fast_init

__all__ = ["ExtensionElement"]


@fast_init
@dataclass(frozen=True, slots=True, kw_only=True)
class ExtensionElement:
    """One source element outside EN 16931, with where it came from."""

    syntax: str
    """Syntax it belongs to: ``ubl`` or ``cii``."""
    parent: str
    """Prefixed path of its parent, with 1-based indices on repeated elements,
    e.g. ``/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem[2]``."""
    after: str | None
    """Prefixed name of the source sibling just before it (``None``: first child).
    Writers insert it after the last such sibling, which keeps schema order."""
    xml: str
    """The element, canonicalised (exclusive C14N, indentation removed)."""

    @property
    def name(self) -> str:
        """Return the prefixed element path, for messages: ``parent/child``."""
        start = self.xml.find("<") + 1
        end = min((i for i in (self.xml.find(" ", start), self.xml.find(">", start)) if i > 0), default=start)
        return f"{self.parent}/{self.xml[start:end]}"
