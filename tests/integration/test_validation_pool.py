"""The validation pool with real worker processes: same verdicts as in-process, and no false "valid" when a worker
dies or overruns.

Pools are shared per module: each worker start costs seconds of compilation.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from formats.validation.engine import Validator
from formats.validation.findings import ValidationReport
from formats.validation.layers import Layer
from formats.validation.native import native_checks
from formats.validation.pool import ENGINE_LAYER, ValidationPool
from formats.validation.schematron import ENGINE_ERROR

HANDFUL = (
    "ubl/cen/ubl-tc434-example1.xml",  # valid
    "cii/cen/CII_example1.xml",  # valid, Factur-X EN 16931
    "ubl/cen/issue116.xml",  # Peppol rule fails
    "invalid/cen-cii/BR-CO-15__BR-CO-15-2__t2.xml",
    "invalid/mutated/cii-fx__XSD-element-order.xml",
)

# 30 documents, valid and invalid, UBL and CII, for the crash test.
BATCH_GLOBS = ("ubl/cen/*.xml", "cii/cen/*.xml", "invalid/cen-ubl-invoice/*.xml")


@pytest.fixture(scope="module")
def validator() -> Validator:
    """The in-process reference."""
    return Validator(native_checks=native_checks)


@pytest.fixture(scope="module")
def pool() -> Iterator[ValidationPool]:
    with ValidationPool(2) as shared:
        yield shared


def _items(corpus_dir: Path, names: tuple[str, ...]) -> list[tuple[str, bytes]]:
    return [(name, (corpus_dir / name).read_bytes()) for name in names]


def _batch(corpus_dir: Path) -> list[tuple[str, bytes]]:
    paths = [path for pattern in BATCH_GLOBS for path in sorted(corpus_dir.glob(pattern))[:10]]
    return [(str(path.relative_to(corpus_dir)), path.read_bytes()) for path in paths]


def _is_engine_error(report: ValidationReport) -> bool:
    return any(f.rule == ENGINE_ERROR and f.layer == ENGINE_LAYER for f in report.findings)


def test_pool_gives_the_in_process_reports(pool: ValidationPool, validator: Validator, corpus_dir: Path) -> None:
    items = [*_items(corpus_dir, HANDFUL), ("garbage.xml", b"<Invoice")]
    results = list(pool.validate_many(items, ordered=True))
    assert [name for name, _ in results] == [name for name, _ in items]
    for (name, data), (_, report) in zip(items, results, strict=True):
        assert report == validator.validate(data, source=name), name
    verdicts = [report.valid for _, report in results]
    assert verdicts == [True, True, False, False, False, False]
    assert results[-1][1].findings[0].layer == "input"


def test_single_validate_with_explicit_layers(pool: ValidationPool, validator: Validator, corpus_dir: Path) -> None:
    data = (corpus_dir / "ubl/cen/issue116.xml").read_bytes()
    report = pool.validate(data, layers=[Layer.XSD, Layer.CEN], french=True)
    assert report.layers_run == ("xsd", "cen")
    assert report == validator.validate(data, layers=[Layer.XSD, Layer.CEN])
    assert report.valid  # the Peppol rule it breaks is not asked for


def test_a_killed_worker_never_yields_a_false_valid(
    pool: ValidationPool, validator: Validator, corpus_dir: Path
) -> None:
    items = _batch(corpus_dir)
    assert len(items) == 30
    expected = {name: validator.validate(data, source=name) for name, data in items}
    assert sum(r.valid for r in expected.values()) >= 10  # a false "valid" would be visible
    victims = pool.worker_pids()
    restarts = pool.restarts
    results: dict[str, ValidationReport] = {}
    for name, report in pool.validate_many(items):
        assert name not in results
        results[name] = report
        if len(results) == 3:
            os.kill(victims[0], signal.SIGKILL)  # mid-batch: the window holds 4 documents
    assert set(results) == set(expected)
    assert pool.restarts == restarts + 1
    for name, report in results.items():
        if _is_engine_error(report):
            assert not report.valid, name
        else:
            assert report == expected[name], name  # re-validated: the same verdict and findings
    assert victims[0] not in pool.worker_pids()


def test_worker_death_without_retries_is_an_engine_error(validator: Validator, corpus_dir: Path) -> None:
    # Slow documents (Factur-X rules), one worker: when the first result comes
    # back, the next document is being validated; killing the worker then hits it.
    items = [(f"{n}.xml", (corpus_dir / "cii/cen/CII_example1.xml").read_bytes()) for n in range(4)]
    with ValidationPool(1, max_retries=0) as single:
        (victim,) = single.worker_pids()
        results = []
        for name, report in single.validate_many(items):
            if not results:
                os.kill(victim, signal.SIGKILL)
            results.append((name, report))
    assert sorted(name for name, _ in results) == [name for name, _ in items]
    dead = [report for _, report in results if _is_engine_error(report)]
    assert dead, "no document was in flight when the worker was killed"
    for report in dead:
        assert not report.valid
        assert "worker died" in report.findings[0].message
    reference = validator.validate(items[0][1])
    assert all(report == reference for _, report in results if not _is_engine_error(report))


def test_overrunning_document_is_an_engine_error(corpus_dir: Path) -> None:
    data = (corpus_dir / "cii/cen/CII_example1.xml").read_bytes()
    with ValidationPool(1, timeout=0.5) as slow:
        (first,) = slow.worker_pids()  # started, nothing compiled yet: compiling alone takes over 0.5 s
        report = slow.validate(data, source="CII_example1.xml")
        assert not report.valid
        (finding,) = report.findings
        assert (finding.rule, finding.layer) == (ENGINE_ERROR, ENGINE_LAYER)
        assert "did not finish within 0.5 s" in finding.message
        assert slow.restarts == 1
        assert slow.worker_pids() != (first,)
