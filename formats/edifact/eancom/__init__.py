"""EANCOM INVOIC (UN/EDIFACT D96A, association code EAN008): reader, profile-driven writer, partner profiles."""

from formats.edifact.eancom.profile import (
    DEFAULT_PROFILE_PATH,
    EancomProfile,
    default_profile,
    load_profile,
    parse_profile,
)
from formats.edifact.eancom.reader import read_invoic_eancom
from formats.edifact.eancom.writer import render_edifact_eancom, write_invoic_eancom

__all__ = [
    "DEFAULT_PROFILE_PATH",
    "EancomProfile",
    "default_profile",
    "load_profile",
    "parse_profile",
    "read_invoic_eancom",
    "render_edifact_eancom",
    "write_invoic_eancom",
]
