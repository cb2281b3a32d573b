"""Our message layer sends, django-pyas2 receives: the harness proven without the gateway's channel.

``build_message`` → httpx POST (Content-Length) → django-pyas2 → its MDN read by
``read_mdn`` (signature by alice's certificate, Original-Message-ID, MIC).
"""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from gateway.transports.as2 import (
    As2Identity,
    As2Partner,
    Compression,
    MdnMode,
    MdnResult,
    OutboundMessage,
    build_message,
    read_mdn,
)
from tests.integration.as2_interop.library_endpoint import LibraryEndpoint
from tests.support.pyas2_peer import Pyas2Peer

pytestmark = pytest.mark.xdist_group("as2-interop")


def post(peer: Pyas2Peer, message: OutboundMessage) -> httpx.Response:
    response = httpx.post(peer.url, content=message.body, headers=list(message.headers), timeout=60)
    assert response.status_code == 200, f"{response.status_code} {response.text[:500]}\n{peer.log()}"
    return response


def read_sync_mdn(response: httpx.Response, alice: As2Partner, message: OutboundMessage) -> MdnResult:
    return read_mdn(
        list(response.headers.multi_items()),
        response.content,
        partner=alice,
        original_message_id=message.message_id,
        expected_mic=message.mic,
    )


@pytest.mark.parametrize("compression", [Compression.BEFORE_SIGNING, Compression.AFTER_SIGNING])
def test_signed_encrypted_compressed_with_sync_signed_mdn(
    pyas2_peer: Pyas2Peer, bob: As2Identity, alice: As2Partner, invoice_payload: bytes, compression: Compression
) -> None:
    partner = dataclasses.replace(alice, compression=compression)
    message = build_message(
        invoice_payload, sender=bob, partner=partner, content_type="application/xml", filename="invoice.xml"
    )
    assert message.signed and message.encrypted and message.compressed

    mdn = read_sync_mdn(post(pyas2_peer, message), partner, message)

    assert mdn.signed
    assert mdn.disposition.status == "accepted", mdn.disposition.header_value()
    assert mdn.received_mic is not None and mdn.received_mic.matches(message.mic)
    row = pyas2_peer.message(message.message_id, "IN")
    assert (row["status"], row["signed"], row["encrypted"], row["compressed"]) == ("S", True, True, True), row
    assert pyas2_peer.inbox_file("bob", message.message_id).read_bytes() == invoice_payload


def test_async_signed_mdn_pushed_by_manageas2server(
    pyas2_peer: Pyas2Peer,
    library_endpoint: LibraryEndpoint,
    bob: As2Identity,
    alice: As2Partner,
    invoice_payload: bytes,
) -> None:
    partner = dataclasses.replace(alice, mdn=MdnMode.ASYNC, async_mdn_url=library_endpoint.mdn_url)
    message = build_message(invoice_payload, sender=bob, partner=partner, content_type="application/xml")
    already = len(library_endpoint.state.mdns)

    response = post(pyas2_peer, message)
    assert b"received" in response.content  # a plain acknowledgement, not the MDN
    assert pyas2_peer.message(message.message_id, "IN")["mdn"]["status"] == "P"  # pending until pushed
    pyas2_peer.push_async_mdns()

    received = library_endpoint.wait_mdns(already + 1)[already]
    mdn = read_mdn(
        received.headers,
        received.body,
        partner=partner,
        original_message_id=message.message_id,
        expected_mic=message.mic,
    )
    assert mdn.signed and mdn.disposition.status == "accepted", mdn.disposition.header_value()
    assert pyas2_peer.message(message.message_id, "IN")["mdn"]["status"] == "S"
    assert pyas2_peer.inbox_file("bob", message.message_id).read_bytes() == invoice_payload
    assert not library_endpoint.state.errors


def test_duplicate_message_id_is_acknowledged_as_duplicate(
    pyas2_peer: Pyas2Peer, bob: As2Identity, alice: As2Partner, invoice_payload: bytes
) -> None:
    message = build_message(invoice_payload, sender=bob, partner=alice, content_type="application/xml")
    first = read_sync_mdn(post(pyas2_peer, message), alice, message)
    inbox_before = len(pyas2_peer.inbox("bob"))

    response = post(pyas2_peer, message)
    # pyas2lib's duplicate-document MDN carries no Received-Content-MIC, which read_mdn
    # counts as a MIC mismatch when given the expected MIC; the signature and the
    # Original-Message-ID are still verified here.
    again = read_mdn(
        list(response.headers.multi_items()),
        response.content,
        partner=alice,
        original_message_id=message.message_id,
        expected_mic=None,
    )

    assert first.disposition.status == "accepted"
    assert again.signed and again.received_mic is None
    assert (again.disposition.modifier, again.disposition.description) == ("warning", "duplicate-document")
    assert len(pyas2_peer.inbox("bob")) == inbox_before  # not delivered twice
