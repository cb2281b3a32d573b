"""Every CII file of the shared corpus: read → render → XSD-valid → read again → same model.

The XSD is chosen from BT-24 (specification identifier):

* EXTENDED-CTC-FR (``…extended-ctc-fr``) is CII D22B: the FNFE D22B XSD;
* Factur-X / ZUGFeRD EXTENDED (``…:extended``) may use elements outside the
  D16B SCRDM subset (RABIE 1.09.2), so those files are validated against the
  Factur-X 1.09 EXTENDED XSD instead of the D16B one;
* everything else against the CEN CII D16B XSD.

When ``expected.tsv`` says the source passes the CEN EN 16931 CII schematron
("CEN: ok"), the rendered file must pass it too (no fatal assertion): the
binding is the schematron's, not only the XSD's (e.g. CII-SR-461, one TaxPointDate).

ZUGFeRD 1.0 files must be refused with :class:`~formats.errors.LegacyFormat`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from pathlib import Path

import pytest
from lxml import etree

from formats.cii import read_cii, render_cii
from formats.errors import LegacyFormat
from formats.validation import Flag
from formats.validation.schematron import SchematronRunner
from formats.xml_safety import parse_xml
from tests.conftest import CORPUS
from tests.corpus_table import rows_under

pytestmark = pytest.mark.corpus

LEGACY = "cii/zugferd-1.0-legacy/"
SCHEMAS = {
    "d16b": "cii-d16b/xsd/CII/uncefact/data/standard/CrossIndustryInvoice_100pD16B.xsd",
    "d22b": "fr-ctc-xp-z12-012-1.4.0/cii-d22b/xsd/CrossIndustryInvoice_100pD22B.xsd",
    "facturx-extended": "facturx-1.09/EXTENDED/xsd/Factur-X_EXTENDED.xsd",
}


def _files() -> list[str]:
    return sorted(path.relative_to(CORPUS).as_posix() for path in (CORPUS / "cii").rglob("*.xml"))


CII_FILES = [path for path in _files() if not path.startswith(LEGACY)]
LEGACY_FILES = [path for path in _files() if path.startswith(LEGACY)]


CEN_OK = sorted({row.path for row in rows_under("cii/") if "CEN: ok" in row.expected})


@pytest.fixture(scope="module")
def schematron() -> SchematronRunner:
    return SchematronRunner()


@pytest.fixture(scope="session")
def cii_schema(artefacts_dir: Path) -> Callable[[str], etree.XMLSchema]:
    """Load each XSD once per session, on first use."""

    @cache
    def load(key: str) -> etree.XMLSchema:
        return etree.XMLSchema(etree.parse(str(artefacts_dir / SCHEMAS[key])))

    return load


def schema_key(specification: str | None) -> str:
    value = specification or ""
    if "extended-ctc-fr" in value:
        return "d22b"
    if value.endswith(":extended"):
        return "facturx-extended"
    return "d16b"


def test_corpus_listing_matches_expected_tsv(corpus_dir: Path) -> None:
    """Guard against an empty parametrisation: the files found are the rows of expected.tsv."""
    assert corpus_dir == CORPUS
    assert len(CII_FILES) + len(LEGACY_FILES) == 53
    assert len(LEGACY_FILES) == 3
    assert sorted(row.path for row in rows_under("cii/")) == sorted(CII_FILES + LEGACY_FILES)


@pytest.mark.parametrize("path", CII_FILES)
def test_round_trip(path: str, corpus_dir: Path, cii_schema: Callable[[str], etree.XMLSchema]) -> None:
    first = read_cii(parse_xml((corpus_dir / path).read_bytes(), source=path))
    rendered = render_cii(first.invoice)
    assert [w.code for w in rendered.warnings] == []
    tree = parse_xml(rendered.data, source=f"{path} (rendered)")
    schema = cii_schema(schema_key(first.invoice.specification))
    assert schema.validate(tree), f"{path}: {schema.error_log}"
    second = read_cii(tree)
    assert second.invoice == first.invoice
    # rendering is a fixed point once read back
    assert render_cii(second.invoice).data == rendered.data


@pytest.mark.parametrize("path", CEN_OK)
def test_rendered_file_passes_cen_when_source_does(path: str, corpus_dir: Path, schematron: SchematronRunner) -> None:
    source = (corpus_dir / path).read_bytes()
    assert _cen_fatal(schematron, source) == set(), "the corpus verdict no longer holds for the source"
    rendered = render_cii(read_cii(parse_xml(source, source=path)).invoice).data
    assert _cen_fatal(schematron, rendered) == set()


def _cen_fatal(runner: SchematronRunner, data: bytes) -> set[str]:
    return {finding.rule for finding in runner.run(data, "xslt:cen-cii", "cen") if finding.flag is Flag.FATAL}


@pytest.mark.parametrize("path", LEGACY_FILES)
def test_zugferd_1_is_legacy(path: str, corpus_dir: Path) -> None:
    with pytest.raises(LegacyFormat, match=r"ZUGFeRD 1\.0"):
        read_cii(parse_xml((corpus_dir / path).read_bytes(), source=path))
