"""Profiles recognised from BT-24 (specification identifier).

Factur-X 1.0x / ZUGFeRD 2.x levels, EXTENDED-CTC-FR, XRechnung and Peppol BIS.
The identifiers are compared exactly as the Factur-X schematron does; anything
unknown is reported as ``None`` (not guessed).
"""

from __future__ import annotations

import re
from enum import StrEnum

__all__ = ["FACTURX_PROFILES", "Profile", "profile_from_specification"]


class Profile(StrEnum):
    """A profile (CIUS or extension) identified from BT-24."""

    MINIMUM = "minimum"
    BASIC_WL = "basicwl"
    BASIC = "basic"
    EN16931 = "en16931"
    EXTENDED = "extended"
    EXTENDED_CTC_FR = "extended-ctc-fr"
    XRECHNUNG = "xrechnung"
    PEPPOL_BIS = "peppol-bis-3"

    @property
    def label(self) -> str:
        """The name people use (and the Factur-X XMP ``ConformanceLevel``)."""
        return _LABELS[self]

    @property
    def below_en16931(self) -> bool:
        """MINIMUM and BASIC WL carry no lines: EN 16931 rules do not apply to them."""
        return self in (Profile.MINIMUM, Profile.BASIC_WL)


_LABELS = {
    Profile.MINIMUM: "MINIMUM",
    Profile.BASIC_WL: "BASIC WL",
    Profile.BASIC: "BASIC",
    Profile.EN16931: "EN 16931",
    Profile.EXTENDED: "EXTENDED",
    Profile.EXTENDED_CTC_FR: "EXTENDED-CTC-FR",
    Profile.XRECHNUNG: "XRECHNUNG",
    Profile.PEPPOL_BIS: "Peppol BIS Billing 3.0",
}

#: The five Factur-X levels, each with its own XSD and schematron.
FACTURX_PROFILES = frozenset({Profile.MINIMUM, Profile.BASIC_WL, Profile.BASIC, Profile.EN16931, Profile.EXTENDED})

_EXACT = {
    "urn:factur-x.eu:1p0:minimum": Profile.MINIMUM,
    "urn:factur-x.eu:1p0:basicwl": Profile.BASIC_WL,
    "urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic": Profile.BASIC,
    "urn:cen.eu:en16931:2017": Profile.EN16931,
    "urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended": Profile.EXTENDED,
    "urn:cen.eu:en16931:2017#conformant#urn.cpro.gouv.fr:1p0:extended-ctc-fr": Profile.EXTENDED_CTC_FR,
    "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0": Profile.PEPPOL_BIS,
    # ZUGFeRD 2.0 identifiers, before Factur-X and ZUGFeRD aligned on the factur-x URNs.
    "urn:zugferd.de:2p0:minimum": Profile.MINIMUM,
    "urn:zugferd.de:2p0:basicwl": Profile.BASIC_WL,
    "urn:cen.eu:en16931:2017#compliant#urn:zugferd.de:2p0:basic": Profile.BASIC,
    "urn:cen.eu:en16931:2017#conformant#urn:zugferd.de:2p0:extended": Profile.EXTENDED,
}


# Factur-X 1.0 / ZUGFeRD 2.x level URNs wherever they sit in BT-24, including
# ZUGFeRD 2.0's "urn:cen.eu:en16931:2017:compliant:factur-x.eu:1p0:basic"; the
# look-ahead keeps "extended-ctc-fr" out.
_LEVEL_URN = re.compile(r"(?:factur-x\.eu|zugferd\.de):[12]p0:(minimum|basicwl|basic|en16931|extended)(?![\w-])")


def profile_from_specification(specification: str | None) -> Profile | None:
    """Return the profile BT-24 names, or ``None`` when it names none we know.

    :param specification: the BT-24 value, verbatim.
    """
    if not specification:
        return None
    value = specification.strip()
    found = _EXACT.get(value)
    if found is not None:
        return found
    level = _LEVEL_URN.search(value.lower())
    if level is not None:
        return Profile(level.group(1))
    if "xrechnung" in value and value.startswith("urn:cen.eu:en16931:2017#compliant#"):
        # XRechnung CIUS (KoSIT, any spelling); its *extensions* are "#conformant#" and stay unknown.
        return Profile.XRECHNUNG
    if "urn:fdc:peppol.eu:2017:poacc:billing" in value:
        return Profile.PEPPOL_BIS
    if value.endswith(":extended-ctc-fr"):
        return Profile.EXTENDED_CTC_FR
    return None
