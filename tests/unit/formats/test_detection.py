from __future__ import annotations

from pathlib import Path

import pytest

from formats.detection import DocumentKind, detect
from formats.errors import UnsafeXml
from formats.profiles import Profile, profile_from_specification


@pytest.mark.parametrize(
    ("path", "kind", "profile"),
    [
        ("ubl/cen/ubl-tc434-example1.xml", DocumentKind.UBL_INVOICE, Profile.EN16931),
        ("ubl/cen/ubl-tc434-creditnote1.xml", DocumentKind.UBL_CREDIT_NOTE, Profile.EN16931),
        ("ubl/peppol/base-example.xml", DocumentKind.UBL_INVOICE, Profile.PEPPOL_BIS),
        ("ubl/fr-ctc/ubl-21-extended-ctc-fr.xml", DocumentKind.UBL_INVOICE, Profile.EXTENDED_CTC_FR),
        ("cii/facturx-profiles/factur-x-minimum.xml", DocumentKind.CII, Profile.MINIMUM),
        ("cii/facturx-profiles/factur-x-basicwl.xml", DocumentKind.CII, Profile.BASIC_WL),
        ("cii/facturx-profiles/factur-x-basic.xml", DocumentKind.CII, Profile.BASIC),
        ("cii/facturx-profiles/factur-x-extended.xml", DocumentKind.CII, Profile.EXTENDED),
        ("cii/zugferd-xml-rechnung/XRECHNUNG_Einfach.cii.xml", DocumentKind.CII, Profile.XRECHNUNG),
        ("cii/zugferd-1.0-legacy/zugferd-basic.xml", DocumentKind.ZUGFERD_1, None),
        ("edifact/cen/EDIFACT_EXAMPLE1.edi", DocumentKind.EDIFACT, None),
        ("facturx-pdf/akretion/invoice_EN16931.pdf", DocumentKind.PDF, None),
    ],
)
def test_detects_kind_and_profile(corpus_dir: Path, path: str, kind: DocumentKind, profile: Profile | None) -> None:
    detected = detect((corpus_dir / path).read_bytes())
    assert detected.kind is kind
    assert detected.profile is profile


def test_unknown_and_other_xml() -> None:
    assert detect(b"hello").kind is DocumentKind.UNKNOWN
    assert detect(b"<a xmlns='urn:x'/>").kind is DocumentKind.OTHER_XML


def test_detection_uses_the_hardened_parser() -> None:
    with pytest.raises(UnsafeXml):
        detect(b'<!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>')


def test_profiles_are_matched_exactly() -> None:
    assert profile_from_specification("urn:cen.eu:en16931:2017 ") is Profile.EN16931
    assert profile_from_specification("urn:factur-x.eu:1p0:minimumX") is None
    assert profile_from_specification(None) is None
    assert Profile.BASIC_WL.below_en16931 and not Profile.BASIC.below_en16931
