"""ISO 20625 XML form of UN/EDIFACT INVOIC D14B, and the message's segment-group tree."""

from formats.edifact.iso20625._tree import Group, group_message
from formats.edifact.iso20625.xml import interchange_to_iso20625, read_iso20625, render_iso20625

__all__ = ["Group", "group_message", "interchange_to_iso20625", "read_iso20625", "render_iso20625"]
