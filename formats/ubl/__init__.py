"""UBL 2.1 Invoice and CreditNote ⇄ the EN 16931 model (CEN/TS 16931-3-2 binding).

:func:`read_ubl` turns a parsed ``Invoice``/``CreditNote`` into
:class:`~formats.model.Invoice` (elements outside EN 16931 kept as extensions);
:func:`render_ubl` writes the model back, putting UBL extensions in place.
"""

from formats.ubl.namespaces import UBL_NAMESPACES
from formats.ubl.reader import read_ubl
from formats.ubl.writer import CARD_NETWORK_PLACEHOLDER, render_ubl

__all__ = ["CARD_NETWORK_PLACEHOLDER", "UBL_NAMESPACES", "read_ubl", "render_ubl"]
