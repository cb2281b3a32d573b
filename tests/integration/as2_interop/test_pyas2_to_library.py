"""django-pyas2 sends, our message layer receives (``process_message`` behind ``http.server``).

django-pyas2 (``sendas2message``) signs SHA-256, compresses, encrypts AES-256-CBC and
asks for a signed MDN; it marks its message ``S`` after verifying our MDN's signature.
It does not compare our Received-Content-MIC (it stores no MIC for outbound messages),
so pyas2lib alone re-reads each exchange to check the MIC (:func:`assert_pyas2lib_agrees`).
"""

from __future__ import annotations

import base64
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from gateway.transports.as2 import InboundResult
from tests.integration.as2_interop.conftest import bob_at_peer
from tests.integration.as2_interop.library_endpoint import LibraryEndpoint
from tests.support.as2_pki import As2Pki
from tests.support.pyas2_peer import Pyas2Peer

pytestmark = pytest.mark.xdist_group("as2-interop")


def send(peer: Pyas2Peer, endpoint: LibraryEndpoint, payload: bytes) -> tuple[dict[str, Any], InboundResult]:
    before = len(endpoint.state.results)
    row = peer.send("bob", payload, "invoice.xml")
    return row, endpoint.wait_results(before + 1)[before]


def assert_received(result: InboundResult, row: dict[str, Any], payload: bytes) -> None:
    assert result.error is None, result.error
    assert result.accepted and result.payload == payload
    assert (result.signed, result.encrypted, result.compressed) == (True, True, True)
    assert result.message_id is not None and result.message_id.strip("<>") == row["message_id"]
    assert result.filename == "invoice.xml"


def assert_pyas2lib_agrees(peer: Pyas2Peer, endpoint: LibraryEndpoint, result: InboundResult, as2_pki: As2Pki) -> None:
    """pyas2lib alone re-reads the request and our MDN: same MIC, MDN verified with MIC compared.

    Needed because django-pyas2 keeps no MIC for its outbound messages, so its own reading of
    our MDN checks the signature only (``Message.as2message`` passes ``mic=None``).
    """
    assert result.mdn is not None and result.mic is not None
    checked = peer.pyas2lib_check(
        endpoint.state.raw[endpoint.state.results.index(result)],
        (result.mdn.headers, result.mdn.body),
        receiver=("bob", as2_pki.bob),
        sender=("alice", as2_pki.alice),
    )
    assert checked["status"] == "processed", checked
    assert checked["mic"] == base64.b64encode(result.mic.digest).decode(), checked
    assert (checked["mdn_status"], checked["mdn_detailed_status"]) == ("processed", None), checked


@pytest.fixture
def async_mdns(pyas2_peer: Pyas2Peer, as2_pki: As2Pki, library_endpoint: LibraryEndpoint) -> Iterator[None]:
    pyas2_peer.set_partner(bob_at_peer(as2_pki, library_endpoint.url, "ASYNC"))
    yield
    pyas2_peer.set_partner(bob_at_peer(as2_pki, library_endpoint.url))


def test_sync_signed_mdn_verified_by_pyas2(
    pyas2_peer: Pyas2Peer, library_endpoint: LibraryEndpoint, invoice_payload: bytes, as2_pki: As2Pki
) -> None:
    row, result = send(pyas2_peer, library_endpoint, invoice_payload)

    assert_received(result, row, invoice_payload)
    assert_pyas2lib_agrees(pyas2_peer, library_endpoint, result, as2_pki)
    assert result.mdn is not None and result.mdn.signed and result.async_mdn_url is None
    assert row["status"] == "S", row  # django-pyas2 verified our MDN's signature
    assert row["mdn"] is not None and row["mdn"]["signed"] and row["mdn"]["status"] == "R", row


def test_async_signed_mdn_verified_by_pyas2(
    pyas2_peer: Pyas2Peer,
    library_endpoint: LibraryEndpoint,
    invoice_payload: bytes,
    as2_pki: As2Pki,
    async_mdns: None,
) -> None:
    row, result = send(pyas2_peer, library_endpoint, invoice_payload)

    assert_received(result, row, invoice_payload)
    assert_pyas2lib_agrees(pyas2_peer, library_endpoint, result, as2_pki)
    assert result.async_mdn_url == pyas2_peer.url  # pyas2lib's Receipt-Delivery-Option is its MDN_URL
    deadline = time.monotonic() + 30
    while (row := pyas2_peer.message(row["message_id"], "OUT"))["status"] == "P" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert row["status"] == "S", f"{row}\n{pyas2_peer.log()}"
    assert row["mdn"] is not None and row["mdn"]["signed"] and row["mdn"]["status"] == "R", row
    assert not library_endpoint.state.errors


def test_duplicate_message_id_gets_duplicate_document(
    pyas2_peer: Pyas2Peer, library_endpoint: LibraryEndpoint, invoice_payload: bytes
) -> None:
    _row, first = send(pyas2_peer, library_endpoint, invoice_payload)
    assert first.accepted
    # django-pyas2 never resends a Message-ID (its retries build a new message), so the
    # duplicate is its own request replayed byte for byte, as a sender's resend would be.
    headers, body = library_endpoint.state.raw[-1]
    replay = [(name, value) for name, value in headers if name.lower() not in ("host", "content-length")]
    before = len(library_endpoint.state.results)

    response = httpx.post(library_endpoint.url, content=body, headers=replay, timeout=30)

    again = library_endpoint.wait_results(before + 1)[before]
    assert response.status_code == 200
    assert again.duplicate and not again.accepted and again.error is None
    assert again.mdn is not None and again.mdn.disposition.header_value().endswith(
        "processed/warning: duplicate-document"
    )
    assert b"duplicate-document" in response.content
