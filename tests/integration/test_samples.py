"""The demo samples are what we claim: French B2B invoices that pass the official rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from formats.reading import read_invoice
from formats.rendering import render_invoice
from formats.validation import Flag
from formats.validation.schematron import SchematronRunner
from samples.make_samples import build

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


@pytest.fixture(scope="module")
def runner() -> SchematronRunner:
    return SchematronRunner()


@pytest.mark.parametrize("name", sorted(build()))
def test_sample_passes_cen_and_br_fr(name: str, runner: SchematronRunner) -> None:
    data = (SAMPLES / name).read_bytes()
    syntax = "ubl" if "-ubl" in name else "cii"
    for artefact in (f"xslt:cen-{syntax}", f"xslt:brfr-{syntax}"):
        fatal = [f for f in runner.run(data, artefact, "check") if f.flag is Flag.FATAL]
        assert fatal == [], f"{name} fails {artefact}: {fatal}"


@pytest.mark.parametrize("name", sorted(build()))
def test_committed_sample_matches_its_generator(name: str) -> None:
    invoice, syntax = build()[name]
    assert (SAMPLES / name).read_bytes() == render_invoice(invoice, syntax).data
    assert read_invoice((SAMPLES / name).read_bytes()).invoice == invoice
