"""The gateway's ``as2`` channel and ``POST /as2`` endpoint against django-pyas2, both directions.

Our gateway is ``bob`` (a :class:`gateway.app.Gateway` with its API on an ephemeral
port); its partner ``alice`` (the samples' buyer, so invoices route to it) has an
``as2`` channel pointing at django-pyas2. The partner files and stores are handled
with the helpers of ``tests/integration/as2/gateways.py``.
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from gateway.api import ApiServer, create_app
from gateway.app import Gateway
from tests.integration.as2.gateways import (
    BUYER_SIREN,
    SAMPLE,
    OffsetClock,
    Side,
    drive,
    write_partner,
)
from tests.integration.as2_interop.conftest import bob_at_peer
from tests.integration.as2_interop.library_endpoint import LibraryEndpoint
from tests.support.as2_pki import As2Pki, write_party
from tests.support.pyas2_peer import Pyas2Peer

pytestmark = pytest.mark.xdist_group("as2-interop")


def start_gateway(root: Path, as2_pki: As2Pki, peer: Pyas2Peer, **channel: Any) -> Side:
    """Our gateway ``bob`` with partner ``alice`` = django-pyas2; ``channel`` overrides channel keys."""
    keys = root / "keys"
    # gateways.Keys names files by party; here the parties are bob (us) and alice (django-pyas2).
    files = {"bob": write_party(as2_pki.bob, keys, "bob"), "alice": write_party(as2_pki.alice, keys, "alice")}
    home = root / "bob"
    (home / "partners").mkdir(parents=True)
    # The async MDN URL names our port before the gateway (which reads the partner files when
    # built) exists: take a free port now and serve on it (a short race, as with any port 0 probe).
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    (home / "gateway.yaml").write_text("validation: {layers: [xsd]}\n", encoding="utf-8")
    mapping = {
        "type": "as2",
        "url": peer.url,
        "as2-from": "bob",
        "as2-to": "alice",
        "key-file": str(files["bob"].key),
        "certificate-file": str(files["bob"].cert),
        "partner-certificate-file": str(files["alice"].cert),
        "mdn-timeout": 30,
        "compress": "before-signing",
        **{
            key: value.format(ours=f"http://127.0.0.1:{port}") if isinstance(value, str) else value
            for key, value in channel.items()
        },
    }
    # Partner files first: the gateway reads them when it is built.
    write_partner(home, "alice", BUYER_SIREN, {k: v for k, v in mapping.items() if v is not None})
    clock = OffsetClock()
    gateway = Gateway.at(home, clock=clock)
    side = Side("bob", home, gateway, ApiServer(create_app(gateway), port=port), clock)
    side.server.start()
    return side


@pytest.fixture
def ours(tmp_path: Path, as2_pki: As2Pki, pyas2_peer: Pyas2Peer) -> Iterator[Side]:
    side = start_gateway(tmp_path, as2_pki, pyas2_peer)
    yield side
    side.server.stop()
    side.gateway.close()


@pytest.fixture
def ours_async(tmp_path: Path, as2_pki: As2Pki, pyas2_peer: Pyas2Peer) -> Iterator[Side]:
    side = start_gateway(tmp_path, as2_pki, pyas2_peer, mdn="async", **{"mdn-url": "{ours}/as2/mdn"})
    yield side
    side.server.stop()
    side.gateway.close()


def wait_peer_status(peer: Pyas2Peer, message_id: str) -> dict[str, Any]:
    """django-pyas2's outbound row once it has left ``P`` (pending async MDN), or after 30 s."""
    deadline = time.monotonic() + 30
    while (row := peer.message(message_id, "OUT"))["status"] == "P" and time.monotonic() < deadline:
        time.sleep(0.2)
    return row


def deliver(side: Side, *, until: str) -> str:
    submitted = side.gateway.submit(SAMPLE.read_bytes(), filename=SAMPLE.name, source="test")
    drive([side.worker()], lambda: side.status(submitted.invoice_id) == until, timeout=60, what=f"status {until}")
    return submitted.invoice_id


def test_invoice_delivered_to_pyas2_and_acknowledged_by_sync_mdn(ours: Side, pyas2_peer: Pyas2Peer) -> None:
    before = {row["message_id"] for row in pyas2_peer.messages()}
    invoice_id = deliver(ours, until="acknowledged")

    sent = ours.rendition(invoice_id)
    rows = [row for row in pyas2_peer.messages() if row["message_id"] not in before]
    assert [pyas2_peer.read_stored(row["payload"]) for row in rows] == [sent], "not stored byte for byte"
    row = rows[0]
    assert (row["status"], row["signed"], row["encrypted"], row["compressed"]) == ("S", True, True, True), row
    assert pyas2_peer.inbox_file("bob", row["message_id"]).read_bytes() == sent
    events = [(event.kind, event.status) for event in ours.events(invoice_id)]
    assert ("sent", "sent") in events and events[-1] == ("ack", "acknowledged"), events


def test_invoice_acknowledged_by_async_mdn_from_pyas2(ours_async: Side, pyas2_peer: Pyas2Peer) -> None:
    before = {row["message_id"] for row in pyas2_peer.messages()}
    submitted = ours_async.gateway.submit(SAMPLE.read_bytes(), filename=SAMPLE.name, source="test")
    worker = ours_async.worker()
    drive([worker], lambda: ours_async.status(submitted.invoice_id) == "sent", timeout=60, what="status sent")
    sent = ours_async.rendition(submitted.invoice_id)
    rows = [r for r in pyas2_peer.messages() if r["message_id"] not in before]
    assert [pyas2_peer.read_stored(r["payload"]) for r in rows] == [sent], rows
    assert rows[0]["mdn"]["status"] == "P", rows  # its MDN waits for manageas2server

    pyas2_peer.push_async_mdns()

    drive([worker], lambda: ours_async.status(submitted.invoice_id) == "acknowledged", timeout=60, what="the MDN")
    assert pyas2_peer.message(rows[0]["message_id"], "IN")["mdn"]["status"] == "S"
    events = [(event.kind, event.status) for event in ours_async.events(submitted.invoice_id)]
    assert events[-1] == ("ack", "acknowledged"), events


@pytest.fixture
def peer_sends_to(pyas2_peer: Pyas2Peer, as2_pki: As2Pki, library_endpoint: LibraryEndpoint) -> Iterator[Any]:
    """Point django-pyas2's partner ``bob`` at a URL (sync or async MDN); restored afterwards."""

    def point(url: str, mdn_mode: str = "SYNC") -> None:
        pyas2_peer.set_partner(bob_at_peer(as2_pki, url, mdn_mode))

    yield point
    pyas2_peer.set_partner(bob_at_peer(as2_pki, library_endpoint.url))


@pytest.mark.parametrize("mdn_mode", ["SYNC", "ASYNC"])
def test_pyas2_message_received_by_gateway_endpoint(
    ours: Side, pyas2_peer: Pyas2Peer, peer_sends_to: Any, mdn_mode: str
) -> None:
    peer_sends_to(f"{ours.url}/as2", mdn_mode)
    payload = SAMPLE.read_bytes()

    row = wait_peer_status(pyas2_peer, pyas2_peer.send("bob", payload, "invoice.xml")["message_id"])

    assert row["status"] == "S", f"{row}\n{pyas2_peer.log()}"  # django-pyas2 verified our signed MDN
    assert row["mdn"] is not None and row["mdn"]["signed"], row
    inbound = [r for r in ours.inbound() if r.message_id.strip("<>") == row["message_id"]]
    assert len(inbound) == 1 and inbound[0].status == "processed", inbound
    assert inbound[0].invoice_id is not None and ours.original(inbound[0].invoice_id) == payload


def test_duplicate_from_pyas2_is_answered_duplicate_document(
    ours: Side, pyas2_peer: Pyas2Peer, library_endpoint: LibraryEndpoint
) -> None:
    # A pyas2lib-built request (captured by the library endpoint) replayed twice to POST /as2.
    before = len(library_endpoint.state.results)
    pyas2_peer.send("bob", SAMPLE.read_bytes(), "invoice.xml")
    library_endpoint.wait_results(before + 1)
    headers, body = library_endpoint.state.raw[before]
    replay = [(k, v) for k, v in headers if k.lower() not in ("host", "content-length")]

    first = httpx.post(f"{ours.url}/as2", content=body, headers=replay, timeout=30)
    again = httpx.post(f"{ours.url}/as2", content=body, headers=replay, timeout=30)

    assert first.status_code == again.status_code == 200
    assert b"duplicate-document" not in first.content and b"processed" in first.content
    assert b"processed/warning: duplicate-document" in again.content
    inbound = ours.inbound()
    assert len(inbound) == 1 and inbound[0].attempts == 2, inbound
