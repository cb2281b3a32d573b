"""Which validation layers apply to a document, and which official artefact each runs.

Order follows the FNFE explanatory note (XP Z12-012 v1.4): XSD, then the profile
rules (CEN EN 16931, Factur-X profile, EXTENDED-CTC-FR), then the CIUS (Peppol,
French BR-FR). The choice is automatic from the syntax, BT-24 and the context;
an explicit list overrides it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from formats.detection import Detected, DocumentKind
from formats.errors import ConfigError
from formats.profiles import FACTURX_PROFILES, Profile

__all__ = ["Layer", "LayerPlan", "artefact_for", "choose_layers", "parse_layers"]


class Layer(StrEnum):
    """A validation layer, by stable id (used in findings, ``--layers`` and reports)."""

    XSD = "xsd"
    """The syntax schema: UBL 2.1, CII D16B (D22B for EXTENDED-CTC-FR), CDAR D22B, ISO 20625."""
    FX_XSD = "fx-xsd"
    """The Factur-X profile schema (CII with a Factur-X profile)."""
    CEN = "cen"
    """CEN EN 16931 schematron for the syntax (not for MINIMUM / BASIC WL)."""
    FACTURX = "facturx"
    """The Factur-X profile schematron (CII with a Factur-X profile)."""
    EXTENDED_CTC_FR = "extended-ctc-fr"
    """The French EXTENDED-CTC-FR schematron (UBL or CII)."""
    PEPPOL = "peppol"
    """Peppol BIS Billing 3.0 (when BT-24 names Peppol)."""
    BR_FR = "br-fr"
    """French CTC rules BR-FR "Flux 2" (French flows, or when asked)."""
    BR_FR_CDV = "br-fr-cdv"
    """French lifecycle status rules for CDAR messages."""
    CEN_EDIFACT = "cen-edifact"
    """CEN EN 16931 rules for EDIFACT, on its ISO 20625 XML form."""
    NATIVE = "native"
    """Aiguillage's own pre-checks (calculations, codes, identifiers)."""

    @property
    def is_schema(self) -> bool:
        """True for XSD layers."""
        return self in (Layer.XSD, Layer.FX_XSD)


@dataclass(frozen=True, slots=True)
class LayerPlan:
    """The layers to run on one document, in order, and why some were left out."""

    layers: tuple[Layer, ...]
    """Layers to run."""
    skipped: tuple[tuple[Layer, str], ...] = ()
    """Layers that could apply but do not, with the reason (``cen``: "MINIMUM is below EN 16931")."""


def parse_layers(text: str) -> tuple[Layer, ...]:
    """Parse a ``--layers`` value: comma-separated ids, e.g. ``xsd,cen,br-fr``.

    :raises ConfigError: an id is unknown (the message lists the known ones).
    """
    layers = []
    for part in text.split(","):
        name = part.strip().lower()
        if not name:
            continue
        try:
            layers.append(Layer(name))
        except ValueError:
            known = ", ".join(layer.value for layer in Layer)
            raise ConfigError(f"unknown layer {name!r}; known layers: {known}", path="--layers") from None
    return tuple(dict.fromkeys(layers))


def choose_layers(detected: Detected, *, french: bool = False, native: bool = True) -> LayerPlan:
    """Choose the layers for a document from its syntax, BT-24 and the context.

    :param french: the flow is French (seller in France, or asked): add BR-FR.
    :param native: add the native pre-checks (invoices only).
    """
    profile = detected.profile
    layers: list[Layer] = []
    skipped: list[tuple[Layer, str]] = []
    if detected.kind in (DocumentKind.UBL_INVOICE, DocumentKind.UBL_CREDIT_NOTE, DocumentKind.CII):
        layers.append(Layer.XSD)
        is_cii = detected.kind is DocumentKind.CII
        if is_cii and profile in FACTURX_PROFILES:
            layers.append(Layer.FX_XSD)
        if native:
            layers.append(Layer.NATIVE)
        if profile is Profile.EXTENDED_CTC_FR:
            layers.append(Layer.EXTENDED_CTC_FR)
            skipped.append((Layer.CEN, "EXTENDED-CTC-FR replaces the CEN rules with its own"))
        elif profile is not None and profile.below_en16931:
            skipped.append((Layer.CEN, f"{profile.label} is below EN 16931: CEN rules do not apply"))
        else:
            layers.append(Layer.CEN)
        if is_cii and profile in FACTURX_PROFILES:
            layers.append(Layer.FACTURX)
        if profile is Profile.PEPPOL_BIS:
            layers.append(Layer.PEPPOL)
        if french or profile is Profile.EXTENDED_CTC_FR:
            layers.append(Layer.BR_FR)
    elif detected.kind is DocumentKind.CDAR:
        layers += [Layer.XSD, Layer.BR_FR_CDV]
    elif detected.root == "M_INVOIC":
        layers += [Layer.XSD, Layer.CEN_EDIFACT]
    return LayerPlan(tuple(layers), tuple(skipped))


_SCHEMATRON = {
    (Layer.CEN, "ubl"): "xslt:cen-ubl",
    (Layer.CEN, "cii"): "xslt:cen-cii",
    (Layer.PEPPOL, "ubl"): "xslt:peppol-ubl",
    (Layer.PEPPOL, "cii"): "xslt:peppol-cii",
    (Layer.BR_FR, "ubl"): "xslt:brfr-ubl",
    (Layer.BR_FR, "cii"): "xslt:brfr-cii",
    (Layer.EXTENDED_CTC_FR, "ubl"): "xslt:extended-ctc-fr-ubl",
    (Layer.EXTENDED_CTC_FR, "cii"): "xslt:extended-ctc-fr-cii",
    (Layer.BR_FR_CDV, "cdar"): "xslt:cdar-brfr-cdv",
    (Layer.CEN_EDIFACT, "edifact-xml"): "xslt:cen-edifact",
}


def artefact_for(layer: Layer, syntax: str, profile: Profile | None = None) -> str | None:
    """Return the artefact id a schematron layer runs for a syntax, or ``None`` when it does not apply.

    :param syntax: ``ubl``, ``cii``, ``cdar`` or ``edifact-xml``.
    :param profile: for :attr:`Layer.FACTURX`, the Factur-X profile (XRechnung uses EN 16931's).
    """
    if layer is Layer.FACTURX:
        if syntax != "cii":
            return None
        if profile is Profile.XRECHNUNG:
            profile = Profile.EN16931
        return f"xslt:facturx-{profile.value}" if profile in FACTURX_PROFILES else None
    return _SCHEMATRON.get((layer, syntax))
