"""Cross-syntax round trips over the whole UBL and CII corpus.

For every invoice: source → other syntax → source syntax again. Checks:

* the converted file is valid against its syntax XSD;
* the models read back equal the source model, except for differences each
  covered by a conversion warning naming the same business term;
* when the source passes the official CEN EN 16931 schematron (expected.tsv),
  both converted files pass it too (run with saxonche on the official XSLT).
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from formats.conversion import ConversionWarning
from formats.errors import NotRepresentable
from formats.model import Invoice
from formats.model.compare import Difference, diff_invoices
from formats.reading import read_invoice
from formats.rendering import render_invoice
from formats.validation import Flag, XsdValidator
from formats.validation.schematron import SchematronRunner
from formats.xml_safety import parse_xml
from tests.corpus_table import CorpusRow, rows_under

ROWS = [row for row in rows_under("ubl/", "cii/") if "zugferd-1.0-legacy" not in row.path]
OTHER = {"ubl": "cii", "cii": "ubl"}
CEN = {"ubl": "xslt:cen-ubl", "cii": "xslt:cen-cii"}


@pytest.fixture(scope="module")
def xsd() -> XsdValidator:
    return XsdValidator()


@pytest.fixture(scope="module")
def schematron() -> SchematronRunner:
    return SchematronRunner()


def _uncovered(differences: Iterable[Difference], warnings: Iterable[ConversionWarning]) -> list[str]:
    terms = {warning.term for warning in warnings}
    return [str(d) for d in differences if d.term is None or d.term not in terms]


def _syntax_xsd_fatal(xsd: XsdValidator, data: bytes) -> list[str]:
    report = xsd.validate_document(parse_xml(data))
    return [f"{f.location}: {f.message}" for f in report.findings if f.layer == "xsd" and f.flag is Flag.FATAL]


def _cen_fatal(runner: SchematronRunner, data: bytes, syntax: str) -> set[str]:
    return {f.rule for f in runner.run(data, CEN[syntax], "cen") if f.flag is Flag.FATAL}


@pytest.mark.corpus
@pytest.mark.parametrize("row", ROWS, ids=[row.path for row in ROWS])
def test_round_trip_through_the_other_syntax(row: CorpusRow, xsd: XsdValidator, schematron: SchematronRunner) -> None:
    source = read_invoice(row.file.read_bytes(), source=row.path)
    assert source.detected is not None and source.detected.syntax in OTHER
    syntax = source.detected.syntax
    other = OTHER[syntax]
    original: Invoice = source.invoice

    if other == "ubl" and not original.lines:
        # MINIMUM / BASIC WL carry no lines; UBL requires one: refused, not written invalid.
        assert source.detected.profile is not None and source.detected.profile.below_en16931
        with pytest.raises(NotRepresentable, match="BG-25"):
            render_invoice(original, other)
        return
    there = render_invoice(original, other)
    assert _syntax_xsd_fatal(xsd, there.data) == [], f"{other} output is not XSD-valid"
    middle = read_invoice(there.data)
    back = render_invoice(middle.invoice, syntax)
    assert _syntax_xsd_fatal(xsd, back.data) == [], f"{syntax} output after the round trip is not XSD-valid"
    final = read_invoice(back.data).invoice

    warnings = [*there.warnings, *middle.warnings, *back.warnings]
    assert _uncovered(diff_invoices(original, middle.invoice, include_extensions=False), warnings) == []
    assert _uncovered(diff_invoices(original, final, include_extensions=False), warnings) == []
    # Whatever the source held outside EN 16931 is either restored or reported.
    if original.extensions:
        assert any(w.code == "extension.not-representable" for w in there.warnings)

    if "CEN: ok" in row.expected:
        assert _cen_fatal(schematron, there.data, other) == set(), f"{other} output fails CEN"
        assert _cen_fatal(schematron, back.data, syntax) == set(), f"{syntax} output fails CEN"
