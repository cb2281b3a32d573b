"""UN/CEFACT Cross Industry Invoice (CII D16B, and D22B for EXTENDED-CTC-FR): reader and writer.

EN 16931-3-3 binding, as enforced by the CEN CII schematron 1.3.16. Factur-X /
ZUGFeRD 2.x XML is CII D16B; the French EXTENDED-CTC-FR profile is CII D22B.
ZUGFeRD 1.0 is refused (:class:`~formats.errors.LegacyFormat`).
"""

from formats.cii.namespaces import CII_NAMESPACES
from formats.cii.reader import read_cii
from formats.cii.writer import render_cii

__all__ = ["read_cii", "render_cii", "CII_NAMESPACES"]
