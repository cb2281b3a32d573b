"""The ``soap`` channel against a real SOAP 1.1 service (spyne, in its own process) over loopback HTTP."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from gateway.transports.base import Envelope, Outcome, Transport
from gateway.transports.soap import SoapTransport

SERVICE = Path(__file__).resolve().parents[2] / "support" / "soap_service.py"
USER, PASSWORD = "aiguillage", "soap-secret"
SAMPLE = Path(__file__).resolve().parents[3] / "samples" / "afr-invoice-ubl.xml"


@dataclass(frozen=True)
class Service:
    url: str
    received: Path


def _start(tmp: Path, mode: str) -> tuple[subprocess.Popen[str], Service]:
    received = tmp / "received"
    received.mkdir()
    process = subprocess.Popen(
        [sys.executable, str(SERVICE), str(received), mode], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    line = process.stdout.readline()  # blocks until the service listens, or it died
    if not line.startswith("PORT "):
        assert process.stderr is not None
        error = process.stderr.read()
        _stop(process)
        raise RuntimeError(f"the SOAP test service did not start (is spyne installed?): {error}")
    return process, Service(f"http://127.0.0.1:{int(line.split()[1])}/", received)


def _stop(process: subprocess.Popen[str]) -> None:
    process.terminate()
    process.wait(timeout=10)
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


@pytest.fixture(scope="module")
def wsse_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    process, service = _start(tmp_path_factory.mktemp("soap-wsse"), "ws-security")
    yield service
    _stop(process)


@pytest.fixture(scope="module")
def basic_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    process, service = _start(tmp_path_factory.mktemp("soap-basic"), "basic")
    yield service
    _stop(process)


@pytest.fixture(autouse=True)
def _secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOAP_USER", USER)
    monkeypatch.setenv("SOAP_PASSWORD", PASSWORD)


def _params(wsdl: str, **extra: object) -> dict[str, object]:
    return {
        "wsdl": wsdl,
        "operation": "submitInvoice",
        "fields": {
            "fileName": {"from": "filename"},
            "content": {"from": "content"},
            "messageId": {"from": "message_id"},
            "docFormat": {"from": "format"},
        },
        "result": {"id": "ticket", "status": "status", "accepted": ["ACCEPTED"], "rejected": ["REFUSED"]},
        "username-env": "SOAP_USER",
        "password-env": "SOAP_PASSWORD",
        "timeout": 10,
        **extra,
    }


def _channel(wsdl: str, *, base: Path | None = None, **extra: object) -> SoapTransport:
    return SoapTransport.from_config(
        _params(wsdl, **extra), where="partners/acme.yaml: channels[0]", base=base or Path.cwd()
    )


def _envelope(content: bytes, filename: str = "AFR-2026-0001.xml", message_id: str = "msg-1") -> Envelope:
    return Envelope(message_id, "1", "inv-1", "acme", filename, content, "application/xml", "ubl")


def test_an_invoice_is_delivered_with_a_ws_security_username_token(wsse_service: Service) -> None:
    content = SAMPLE.read_bytes()
    with _channel(wsse_service.url + "?wsdl") as channel:
        assert isinstance(channel, Transport) and channel.name == "soap"
        assert PASSWORD not in repr(channel)
        result = channel.send(_envelope(content))
        assert list(channel.poll_acks()) == []
    assert result.outcome is Outcome.DELIVERED, result.detail
    assert result.remote_ref is not None and result.remote_ref.startswith("T-")
    assert [p.name for p in result.phases] == ["wsdl", "call"]
    assert (wsse_service.received / f"{result.remote_ref}-AFR-2026-0001.xml").read_bytes() == content  # byte for byte
    assert (wsse_service.received / f"{result.remote_ref}.meta").read_text() == "msg-1 ubl"


def test_a_refusal_status_is_a_rejection_by_the_peer(wsse_service: Service) -> None:
    with _channel(wsse_service.url + "?wsdl") as channel:
        result = channel.send(_envelope(b"not an invoice", "x.txt"))
    assert result.outcome is Outcome.REJECTED_BY_PEER and not result.retry_feasible
    assert "status=REFUSED" in result.detail


def test_a_soap_fault_follows_on_fault(wsse_service: Service) -> None:
    with _channel(wsse_service.url + "?wsdl") as channel:
        rejected = channel.send(_envelope(b"<x/>", "fault.xml", "msg-dup"))
    assert rejected.outcome is Outcome.REJECTED_BY_PEER
    assert "Client.Duplicate" in rejected.detail and "msg-dup was already received" in rejected.detail
    strict = _params(wsse_service.url + "?wsdl", **{"on-fault": "permanent"})
    with SoapTransport.from_config(strict, where="x", base=Path.cwd()) as channel:
        permanent = channel.send(_envelope(b"<x/>", "fault.xml"))
    assert permanent.outcome is Outcome.PERMANENT_ERROR


def test_a_wrong_password_is_a_permanent_401(wsse_service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOAP_PASSWORD", "wrong")
    with _channel(wsse_service.url + "?wsdl") as channel:
        result = channel.send(_envelope(b"<x/>"))
    assert result.outcome is Outcome.PERMANENT_ERROR and "HTTP 401" in result.detail
    assert "wrong" not in result.detail


def test_http_basic_authentication(basic_service: Service, monkeypatch: pytest.MonkeyPatch) -> None:
    with _channel(basic_service.url + "?wsdl", auth="basic") as channel:
        assert channel.send(_envelope(b"<x/>")).outcome is Outcome.DELIVERED
    monkeypatch.setenv("SOAP_PASSWORD", "wrong")
    with _channel(basic_service.url + "?wsdl", auth="basic") as channel:
        refused = channel.send(_envelope(b"<x/>"))
    # The WSDL itself sits behind basic auth here: the refusal comes at the first step.
    assert refused.outcome is Outcome.PERMANENT_ERROR and "401" in refused.detail


def test_a_wsdl_file_next_to_the_partner_file(wsse_service: Service, tmp_path: Path) -> None:
    (tmp_path / "partner.wsdl").write_bytes(httpx.get(wsse_service.url + "?wsdl").content)
    with _channel("partner.wsdl", base=tmp_path) as channel:
        result = channel.send(_envelope(b"<x/>"))
    assert result.outcome is Outcome.DELIVERED, result.detail


def test_an_unknown_operation_is_permanent(wsse_service: Service) -> None:
    with _channel(wsse_service.url + "?wsdl", operation="sendInvoice") as channel:
        result = channel.send(_envelope(b"<x/>"))
    assert result.outcome is Outcome.PERMANENT_ERROR and "no operation 'sendInvoice'" in result.detail


def test_a_field_the_operation_does_not_have_is_permanent(wsse_service: Service) -> None:
    params = _params(wsse_service.url + "?wsdl")
    params["fields"] = {**params["fields"], "colour": "red"}  # type: ignore[dict-item]
    with SoapTransport.from_config(params, where="x", base=Path.cwd()) as channel:
        result = channel.send(_envelope(b"<x/>"))
    assert result.outcome is Outcome.PERMANENT_ERROR and "colour" in result.detail


def test_a_service_that_is_down_is_transient(wsse_service: Service, tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free = probe.getsockname()[1]
    # The WSDL is read (from a file), but its address points at a port nobody listens on.
    wsdl = httpx.get(wsse_service.url + "?wsdl").text
    port = wsse_service.url.split(":")[2].rstrip("/")
    (tmp_path / "down.wsdl").write_text(wsdl.replace(f"127.0.0.1:{port}", f"127.0.0.1:{free}"), encoding="utf-8")
    with _channel("down.wsdl", base=tmp_path) as channel:
        result = channel.send(_envelope(b"<x/>"))
    assert result.outcome is Outcome.TRANSIENT_ERROR and result.retry_feasible, result.detail
