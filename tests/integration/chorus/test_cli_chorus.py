"""``gateway chorus check-buyer|status|simulator`` against the simulator over HTTP."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from chorus.simulator import RunningSimulator
from gateway.app import Gateway
from gateway.cli.main import cli
from gateway.config import GatewayConfig

from .conftest import APP, BUYER, GATEWAY_ENV, LUMIERE, SAMPLES, gateway_home, make_client


def test_check_buyer_with_base_url_and_env_shows_structure_services_obligations(
    sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in GATEWAY_ENV.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(cli, ["chorus", "check-buyer", LUMIERE, "--base-url", sim.base_url])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Régie des transports Lumière" in out and "idStructureCPP 25002" in out
    assert "obligations a service code (BT-10)" in out
    assert "codeServiceDoitEtreRenseigne=yes" in out and "gestionNumeroEJOuCodeService=no" in out
    lines = {line.split()[0]: line for line in out.splitlines() if line.startswith("  ") and "=" not in line}
    assert "active" in lines["SERVICE-ACHATS"] and "EJ required" in lines["SERVICE-ACHATS"]
    assert "EJ required" not in lines["ATELIERS"]
    assert "INACTIVE" in lines["ANCIEN-SERVICE"]


def test_check_buyer_either_rule_and_unknown_siret(sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in GATEWAY_ENV.items():
        monkeypatch.setenv(name, value)
    either = CliRunner().invoke(cli, ["chorus", "check-buyer", "21690123400018", "--base-url", sim.base_url])
    assert either.exit_code == 0 and "or a commitment number (BT-13), at least one" in either.output
    unknown = CliRunner().invoke(cli, ["chorus", "check-buyer", "99999999999999", "--base-url", sim.base_url])
    assert unknown.exit_code == 6 and "knows no structure with SIRET 99999999999999" in unknown.output


def test_check_buyer_names_a_missing_variable(sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in GATEWAY_ENV:
        monkeypatch.delenv(name, raising=False)
    result = CliRunner().invoke(cli, ["chorus", "check-buyer", LUMIERE, "--base-url", sim.base_url])
    assert result.exit_code == 4
    assert "CPRO_CLIENT_ID" in result.output
    assert CliRunner().invoke(cli, ["chorus", "check-buyer", LUMIERE]).exit_code == 2  # no host given


def test_check_buyer_with_a_partners_channel(
    tmp_path: Path, sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = gateway_home(tmp_path, sim, monkeypatch)
    Gateway(GatewayConfig.load(home)).close()  # creates the store
    result = CliRunner().invoke(cli, ["--home", str(home), "chorus", "check-buyer", LUMIERE, "--partner", "lumiere"])
    assert result.exit_code == 0, result.output
    assert "SERVICE-ACHATS" in result.output
    missing = CliRunner().invoke(cli, ["--home", str(home), "chorus", "check-buyer", LUMIERE, "--partner", "nobody"])
    assert missing.exit_code == 6 and "nobody" in missing.output


def test_status_puts_the_platform_beside_the_timeline(
    tmp_path: Path, sim: RunningSimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = gateway_home(tmp_path, sim, monkeypatch)
    gateway = Gateway(GatewayConfig.load(home))
    submitted = gateway.submit((SAMPLES / "afr-invoice-ubl.xml").read_bytes(), filename="a.xml", source="test")
    worker = gateway.worker("w1")
    worker.run_once()
    early = CliRunner().invoke(cli, ["--home", str(home), "chorus", "status", "AFR-2026-0001"])
    assert early.exit_code == 0, early.output
    # The simulator reveals one flow step per consultation, so the CLI's own look moved it on.
    assert "IN_EN_COURS_TRAITEMENT_CPP" in early.output and "on our timeline: not yet" in early.output
    assert "none yet" in early.output
    for _ in range(3):
        worker.poll_acks()
    with make_client(sim, BUYER) as buyer, make_client(sim) as supplier:
        [found] = supplier.search_supplier_invoices(invoice_number="AFR-2026-0001")
        buyer.process_received(found.invoice_id, "SERVICE_FAIT")  # not polled yet
    result = CliRunner().invoke(cli, ["--home", str(home), "chorus", "status", submitted.invoice_id])
    assert result.exit_code == 0, result.output
    out = result.output
    assert found.flow_number is not None and found.flow_number in out and "IN_INTEGRE" in out
    assert f"identifiantFactureCPP {found.invoice_id}" in out and "current status  SERVICE_FAIT" in out
    history = {line.split()[2]: line for line in out.splitlines() if line.startswith("  20")}
    assert "recorded" in history["MISE_A_DISPOSITION"] and "not yet polled" in history["SERVICE_FAIT"]
    worker.close()
    gateway.close()
    unknown = CliRunner().invoke(cli, ["--home", str(home), "chorus", "status", "no-such-invoice"])
    assert unknown.exit_code == 6


def test_simulator_command_serves_tokens(tmp_path: Path) -> None:
    assert "--fixture" in CliRunner().invoke(cli, ["chorus", "simulator", "--help"]).output
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = "from gateway.cli.main import main; main()"
    process = subprocess.Popen(
        [sys.executable, "-c", command, "chorus", "simulator", "--port", str(port), "--token-lifetime", "42"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        form = {"grant_type": "client_credentials", "client_id": APP[0], "client_secret": APP[1], "scope": "openid"}
        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.post(f"http://127.0.0.1:{port}/api/oauth/token", data=form, timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None and time.monotonic() < deadline, "the simulator did not start"
                time.sleep(0.1)
        assert response.json()["expires_in"] == 42
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_simulator_command_refuses_a_bad_fixture(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("structures: 3\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["chorus", "simulator", "--fixture", str(bad)])
    assert result.exit_code == 4, result.output
    assert "bad.yaml" in result.output
