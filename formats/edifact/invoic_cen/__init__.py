"""UN/EDIFACT INVOIC per CEN/TS 16931-3-4, the EN 16931 EDIFACT binding (INVOIC D14B, D16B codes)."""

from formats.edifact.invoic_cen.reader import read_invoic_cen
from formats.edifact.invoic_cen.writer import CEN_CODE_LISTS, WrittenMessage, render_edifact_cen, write_invoic_cen

__all__ = ["CEN_CODE_LISTS", "WrittenMessage", "read_invoic_cen", "render_edifact_cen", "write_invoic_cen"]
