"""Native pre-checks never disagree with the official CEN Schematron on the corpus.

For every XML file under ``ubl/``, ``cii/``, ``invalid/cen-*``, ``invalid/peppol-*``
and ``invalid/mutated`` that reads into the model, and for every official rule id R
that :func:`~formats.validation.native.native_checks` implements for the file's
syntax: native reports R fatal ⇔ the CEN layer (``xslt:cen-ubl`` / ``xslt:cen-cii``)
reports R fatal. The CEN layer runs on every file, MINIMUM and BASIC WL included:
the rules are the same XPath whatever the profile. A file that does not read into
the model (FormatError) cannot be pre-checked: it must then be refused by the
official layers too (or be ZUGFeRD 1.0). ``AIG-*`` findings are not compared, but
must never be fatal.
"""

from __future__ import annotations

import pytest

from formats.detection import DocumentKind
from formats.errors import FormatError
from formats.reading import read_invoice
from formats.validation.engine import Validator
from formats.validation.findings import Flag
from formats.validation.native import LAYER, OFFICIAL_RULES, native_checks
from formats.validation.schematron import SchematronRunner
from tests.corpus_table import CorpusRow, corpus_rows

pytestmark = pytest.mark.corpus

_PREFIXES = ("ubl/", "cii/", "invalid/cen-", "invalid/peppol-", "invalid/mutated/")
ROWS = [row for row in corpus_rows() if row.path.endswith(".xml") and row.path.startswith(_PREFIXES)]


@pytest.fixture(scope="module")
def cen_runner() -> SchematronRunner:
    return SchematronRunner()


def test_the_corpus_is_all_there() -> None:
    # Guards the parametrisation below against an empty or truncated table.
    assert len(ROWS) >= 800


@pytest.mark.parametrize("row", ROWS, ids=[row.path for row in ROWS])
def test_native_agrees_with_cen(row: CorpusRow, cen_runner: SchematronRunner) -> None:
    data = row.file.read_bytes()
    try:
        result = read_invoice(data, source=row.path)
    except FormatError as exc:
        # The native checks need the model. A file that cannot become one must be
        # refused by the official layers too (or be a legacy format), never pass.
        report = Validator(native_checks=None).validate(data, source=row.path)
        assert exc.code == "format.legacy" or not report.valid, f"unreadable ({exc.message}) yet officially valid"
        return
    assert result.detected is not None
    syntax = "cii" if result.detected.kind is DocumentKind.CII else "ubl"

    native = native_checks(result.invoice, syntax)
    official = cen_runner.run(data, f"xslt:cen-{syntax}", "cen")

    assert all(f.layer == LAYER for f in native)
    own_fatal = [f for f in native if f.rule.startswith("AIG-") and f.flag is Flag.FATAL]
    assert not own_fatal, "AIG-* checks must only warn"
    implemented = OFFICIAL_RULES[syntax]
    assert {f.rule for f in native if not f.rule.startswith("AIG-")} <= implemented

    native_fatal = {f.rule for f in native if f.flag is Flag.FATAL} & implemented
    cen_fatal = {f.rule for f in official if f.flag is Flag.FATAL} & implemented
    only_native = {r: [f.message for f in native if f.rule == r] for r in sorted(native_fatal - cen_fatal)}
    only_cen = {r: [f.message for f in official if f.rule == r] for r in sorted(cen_fatal - native_fatal)}
    assert not only_native and not only_cen, f"native only: {only_native}; CEN only: {only_cen}"
