"""Our verdicts are the official verdicts: every XML row of ``expected.tsv``, no sampling.

``expected.tsv`` was computed by running the official artefacts (CEN 1.3.16,
Peppol 3.0.19, Factur-X 1.09, BR-FR 1.4.0) with saxonche. For each row:

* ``must_fail`` rules: validating the file reports that rule as fatal. The
  layers are chosen automatically; when the file is a unit-test fragment that
  lacks the context for that choice (Peppol fragments carry no BT-24), the
  rule's own layer is requested explicitly, as an operator would with ``--layers``.
* ``<LAYER>: ok``: no fatal finding on that layer.
* ``<LAYER>: fails A, B``: exactly those rules fire (a list ending in "…" is a
  subset); ``fails N rules``: N distinct rules fire; ``fails (no id)``: at least
  one fatal finding.
* ``CEN n/a``: automatic selection does not run CEN (profile below EN 16931).
* mutations' ``fired:`` lists: every listed rule fires.

PDF rows are validated through their embedded XML; PDFs with no attachment have
no verdict to compare (their refusal is tested with the PDF reader). EDIFACT
flat files wait for the EDIFACT issue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pytest

from formats.validation import Flag, ValidationReport
from formats.validation.engine import Validator
from formats.validation.layers import Layer
from tests.corpus_table import CorpusRow, corpus_rows

ROWS = [
    row
    for row in corpus_rows()
    if row.path.endswith((".xml", ".pdf"))
    and "zugferd-1.0-legacy" not in row.path
    and "no attachment" not in row.expected
]

_LAYER_LABELS = {
    "CEN": Layer.CEN,
    "BR-FR": Layer.BR_FR,
    "Peppol": Layer.PEPPOL,
    "EXT-CTC-FR": Layer.EXTENDED_CTC_FR,
    "CEN-EDIFACT": Layer.CEN_EDIFACT,
}
_PART = re.compile(r"^(CEN|BR-FR|Peppol|EXT-CTC-FR|CEN-EDIFACT|FX-(?:MINIMUM|BASICWL|BASIC|EN16931|EXTENDED)): (.+)$")
_COUNT = re.compile(r"^fails (\d+) rules?$")
_FIRED = re.compile(r"fired: ([^)]*)\)")


@dataclass
class Expectation:
    ok: set[Layer] = field(default_factory=set)
    exact: dict[Layer, set[str]] = field(default_factory=dict)
    subset: dict[Layer, set[str]] = field(default_factory=dict)
    count: dict[Layer, int] = field(default_factory=dict)
    some: set[Layer] = field(default_factory=set)
    cen_not_applicable: bool = False
    fired: set[str] = field(default_factory=set)

    @property
    def layers(self) -> set[Layer]:
        return self.ok | set(self.exact) | set(self.subset) | set(self.count) | self.some


def expectation(text: str) -> Expectation:
    """Parse the ``expected`` column into per-layer verdicts."""
    found = Expectation()
    # "CEN n/a (profile below EN 16931; CEN: fails BR-16 …)": the parenthesis says what CEN
    # would report if run anyway; it is checked by running it explicitly.
    for part in (p.strip().rstrip(")").strip() for p in text.split(";")):
        if part.startswith("CEN n/a"):
            found.cen_not_applicable = True
            continue
        match = _PART.match(part)
        if match is None:
            continue
        label, verdict = match.groups()
        layer = Layer.FACTURX if label.startswith("FX-") else _LAYER_LABELS[label]
        count = _COUNT.match(verdict)
        if verdict == "ok":
            found.ok.add(layer)
        elif count:
            found.count[layer] = int(count.group(1))
        elif verdict.startswith("fails (no id"):  # the closing parenthesis went with the rstrip above
            found.some.add(layer)
        elif verdict.startswith("fails "):
            rules = {rule.strip() for rule in verdict[len("fails ") :].replace("…", "").split(",") if rule.strip()}
            (found.subset if "…" in verdict else found.exact)[layer] = rules
    fired = _FIRED.search(text)
    if fired:
        found.fired = {rule.strip() for rule in fired.group(1).split(",")}
    return found


def layer_of_rule(rule: str) -> Layer | None:
    if rule in ("XSD",):
        return Layer.XSD
    if rule == "XML":
        return None  # a parse error: no layer runs
    if rule.startswith("PEPPOL"):
        return Layer.PEPPOL
    if rule.startswith("BR-FR"):
        return Layer.BR_FR
    return Layer.CEN


def _matches(expected_rule: str, fired: str) -> bool:
    # "must fail BR-FR-05_BT-22" is verified as BR-FR-05_BT-22_PMD (CII) / BR-FR-05_BT-22-1 (UBL).
    return fired == expected_rule or fired.startswith((f"{expected_rule}_", f"{expected_rule}-"))


def _fatal(report: ValidationReport, layer: Layer | str | None = None) -> set[str]:
    return {f.rule for f in report.findings if f.flag is Flag.FATAL and (layer is None or f.layer == layer)}


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator()


def test_the_parser_understands_every_verdict_form() -> None:
    parsed = expectation(
        "CII BASIC; XSD ok; FX-BASIC: fails FX-SCH-A-000026, FX-SCH-A-000144; CEN: fails BR-IC-11, CII-DT-031; "
        "BR-FR: fails 8 rules; Peppol: ok; CEN n/a (profile below EN 16931; CEN: fails BR-16, BR-CO-10 …)"
    )
    assert parsed.exact[Layer.FACTURX] == {"FX-SCH-A-000026", "FX-SCH-A-000144"}
    assert parsed.count[Layer.BR_FR] == 8 and Layer.PEPPOL in parsed.ok and parsed.cen_not_applicable
    assert expectation("**must fail BR-CO-10** (verified; fired: BR-CO-10, BR-CO-13)").fired == {"BR-CO-10", "BR-CO-13"}


@pytest.mark.corpus
@pytest.mark.parametrize("row", ROWS, ids=[row.path for row in ROWS])
def test_verdict_matches_the_official_artefacts(row: CorpusRow, validator: Validator) -> None:
    data = row.file.read_bytes()
    expected = expectation(row.expected)
    automatic = validator.validate(data, source=row.path)
    if expected.cen_not_applicable:
        assert Layer.CEN.value not in automatic.layers_run

    if row.must_fail:
        reports = [automatic]
        layer = layer_of_rule(row.must_fail)
        if layer is not None and layer.value not in automatic.layers_run:
            reports.append(validator.validate(data, layers=[layer], source=row.path))
        fired = set().union(*(_fatal(report) for report in reports))
        if row.must_fail == "XML":
            assert "format.parse" in fired
        else:
            assert any(_matches(row.must_fail, rule) for rule in fired), f"{row.must_fail} not in {sorted(fired)}"
        for rule in expected.fired:
            extra = layer_of_rule(rule)
            if extra is not None and extra.value not in {r for report in reports for r in report.layers_run}:
                reports.append(validator.validate(data, layers=[extra], source=row.path))
                fired |= _fatal(reports[-1])
            assert any(_matches(rule, f) for f in fired), f"fired {rule} not reproduced: {sorted(fired)}"

    if expected.layers:
        report = validator.validate(data, layers=sorted(expected.layers), source=row.path)
        for layer in expected.ok:
            assert _fatal(report, layer) == set(), f"{layer} should pass"
        for layer, rules in expected.exact.items():
            assert _fatal(report, layer) == rules, f"{layer}"
        for layer, rules in expected.subset.items():
            assert rules <= _fatal(report, layer), f"{layer}"
        for layer, count in expected.count.items():
            assert len(_fatal(report, layer)) == count, f"{layer}: {sorted(_fatal(report, layer))}"
        for layer in expected.some:
            assert _fatal(report, layer), f"{layer} should fail"
