"""The Chorus Pro simulator over real HTTP on 127.0.0.1 (ephemeral port), a fresh state per test."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest

from chorus import ChorusClient, Credentials, Endpoints
from chorus.simulator import Inspector, RunningSimulator, SimulatorState, load_directory
from formats.model import Invoice
from formats.reading import read_invoice
from formats.rendering import render_invoice

SAMPLES = Path(__file__).resolve().parents[3] / "samples"
APP = ("aiguillage-demo", "demo-secret")
SUPPLIER = ("TECH_AFR@cpro.example", "afr-password")
BUYER = ("TECH_LUMIERE@cpro.example", "lumiere-password")
#: The demo buyer that requires a service code, SERVICE-ACHATS also requiring an EJ.
LUMIERE = "81234567600017"


@pytest.fixture(scope="session")
def inspector() -> Inspector:
    # Schemas load once per session; the state stays per test.
    return Inspector()


@pytest.fixture
def state() -> SimulatorState:
    return SimulatorState(load_directory())


@pytest.fixture
def sim(state: SimulatorState, inspector: Inspector) -> Iterator[RunningSimulator]:
    with RunningSimulator(state, inspector=inspector) as running:
        yield running


def make_client(sim: RunningSimulator, account: tuple[str, str] = SUPPLIER, app: tuple[str, str] = APP) -> ChorusClient:
    return ChorusClient(Endpoints.at(sim.base_url), Credentials(*app, *account), timeout_s=10)


@pytest.fixture
def supplier(sim: RunningSimulator) -> Iterator[ChorusClient]:
    with make_client(sim) as client:
        yield client


@pytest.fixture
def buyer(sim: RunningSimulator) -> Iterator[ChorusClient]:
    with make_client(sim, BUYER) as client:
        yield client


def sample_invoice() -> Invoice:
    return read_invoice((SAMPLES / "afr-invoice-ubl.xml").read_bytes()).invoice


def render(invoice: Invoice, target: str = "ubl") -> bytes:
    return render_invoice(invoice, target).data


def variant(**changes: object) -> Invoice:
    """The sample invoice with some fields replaced (BT-10, BT-13, number…)."""
    return dataclasses.replace(sample_invoice(), **changes)  # type: ignore[arg-type]


def with_buyer_siret(invoice: Invoice, siret: str) -> Invoice:
    assert invoice.buyer is not None
    ids = tuple(dataclasses.replace(i, value=siret) if i.scheme == "0009" else i for i in invoice.buyer.identifiers)
    return dataclasses.replace(invoice, buyer=dataclasses.replace(invoice.buyer, identifiers=ids))


def integrate(client: ChorusClient, content: bytes, syntax: str, name: str = "facture.xml") -> tuple[str, list[str]]:
    """Deposit and poll until the flow is final; return the flow number and the states seen."""
    deposit = client.deposit_flow(content, name, syntax)
    seen = []
    for _ in range(10):
        report = client.flow_report(deposit.flow_number)
        seen.append(report.state)
        if report.is_final:
            break
    return deposit.flow_number, seen


#: Environment of a gateway whose partner reaches the simulator as the supplier AFR.
GATEWAY_ENV = {
    "CPRO_CLIENT_ID": APP[0],
    "CPRO_CLIENT_SECRET": APP[1],
    "CPRO_LOGIN": SUPPLIER[0],
    "CPRO_PASSWORD": SUPPLIER[1],
}

PUBLIC_PARTNER = """\
name: Régie des transports Lumière
segment: public
identifiers: {{siren: "812345676"}}
receives: {{formats: [{fmt}]}}
channels:
  - type: chorus
    base-url: {url}
    client-id-env: CPRO_CLIENT_ID
    client-secret-env: CPRO_CLIENT_SECRET
    login-env: CPRO_LOGIN
    password-env: CPRO_PASSWORD
    poll-interval: 0
"""


def gateway_home(
    tmp_path: Path, sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch, *, fmt: str = "ubl", layers: str = "xsd"
) -> Path:
    """Write a gateway home whose public partner (the Lumière régie) receives ``fmt`` through the simulator."""
    for name, value in GATEWAY_ENV.items():
        monkeypatch.setenv(name, value)
    home = tmp_path / "home"
    (home / "partners").mkdir(parents=True)
    (home / "partners" / "lumiere.yaml").write_text(PUBLIC_PARTNER.format(url=sim.base_url, fmt=fmt), encoding="utf-8")
    (home / "gateway.yaml").write_text(f"validation: {{layers: [{layers}]}}\n", encoding="utf-8")
    return home
