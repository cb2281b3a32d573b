"""The in-process validator: refusals are never reported as valid."""

from __future__ import annotations

from pathlib import Path

from formats.validation.engine import Validator


def test_zugferd_1_and_foreign_xml_are_invalid_not_silently_valid(corpus_dir: Path) -> None:
    validator = Validator()
    legacy = validator.validate((corpus_dir / "cii/zugferd-1.0-legacy/zugferd-basic.xml").read_bytes())
    assert not legacy.valid and legacy.findings[0].rule == "format.legacy"
    foreign = validator.validate(b"<catalog xmlns='urn:example'><book/></catalog>")
    assert not foreign.valid and foreign.findings[0].rule == "format.unsupported"


def test_edifact_iso20625_xml_is_validated(corpus_dir: Path) -> None:
    report = Validator().validate((corpus_dir / "edifact/cen-xml-iso20625/EDIFACT_EXAMPLE1.xml").read_bytes())
    assert report.layers_run == ("xsd", "cen-edifact") and report.valid
