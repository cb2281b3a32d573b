"""Two gateways exchange an invoice over AS2, end to end (issue 7).

routed on alpha → AS2 (signed, encrypted) → beta's ``POST /as2`` → stored as an
invoice on beta → signed MDN back → ``acknowledged`` on alpha's timeline; with
the MDN in the HTTP answer (sync) and POSTed back later (async), and what
happens when the MDN does not come.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.as2.gateways import SAMPLE, Keys, Pair, drive, gateway_pair, make_keys
from tests.integration.as2.scripted_peer import ScriptedPeer

pytestmark = pytest.mark.xdist_group("as2-e2e")


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    return make_keys(tmp_path_factory.mktemp("as2-keys"))


def _send_one(pair: Pair, *, until_status: str, timeout: float = 30) -> str:
    invoice_id = pair.alpha.gateway.submit(SAMPLE.read_bytes(), filename=SAMPLE.name, source="test").invoice_id
    drive(
        [pair.alpha.worker()],
        lambda: pair.alpha.status(invoice_id) == until_status,
        timeout=timeout,
        what=f"alpha's invoice {until_status}",
        context=lambda: [e.detail for e in pair.alpha.events(invoice_id)][-3:],
    )
    return invoice_id


def _check_received(pair: Pair, sent_id: str) -> str:
    """Beta holds one invoice whose bytes are alpha's rendition, byte for byte; return its id."""
    received = pair.beta.invoices()
    assert len(received) == 1
    invoice = received[0]
    assert pair.beta.original(invoice.id) == pair.alpha.rendition(sent_id)
    first = pair.beta.events(invoice.id)[0]
    assert first.kind == "received"
    assert "from as2:alpha (partner alpha) Message-ID <" in first.detail
    [row] = pair.beta.inbound()
    assert (row.as2_from, row.as2_to, row.status, row.invoice_id) == ("alpha", "beta", "processed", invoice.id)
    assert row.message_id in first.detail
    return invoice.id


def test_sync_mdn_acknowledges_the_invoice_on_the_senders_timeline(tmp_path: Path, keys: Keys) -> None:
    with gateway_pair(tmp_path, keys) as pair:
        sent = _send_one(pair, until_status="acknowledged")
        _check_received(pair, sent)
        events = pair.alpha.events(sent)
        [ack] = [e for e in events if e.kind == "ack"]
        assert ack.status == "acknowledged"
        assert ack.detail.startswith("as2-mdn: accepted — automatic-action/MDN-sent-automatically; processed")
        [sent_event] = [e for e in events if e.kind == "sent"]
        assert sent_event.data is not None and sent_event.data["remote_ref"].startswith("<")
        [delivery] = pair.alpha.deliveries()
        assert delivery.status == "acknowledged"
        assert delivery.remote_ref == f"<{delivery.message_id}@aiguillage.invalid>"


def test_async_mdn_is_posted_back_verified_and_acknowledges(tmp_path: Path, keys: Keys) -> None:
    with gateway_pair(tmp_path, keys, alpha={"mdn": "async"}) as pair:
        sent = _send_one(pair, until_status="acknowledged")
        _check_received(pair, sent)
        kinds = [(e.kind, e.status) for e in pair.alpha.events(sent)]
        assert ("sent", "sent") in kinds and ("ack", "acknowledged") in kinds
        assert kinds.index(("sent", "sent")) < kinds.index(("ack", "acknowledged"))


def test_async_mdn_not_lost_when_the_first_post_fails(tmp_path: Path, keys: Keys) -> None:
    with gateway_pair(tmp_path, keys, alpha={"mdn": "async"}) as pair:
        pair.alpha.server.stop()  # alpha's MDN URL refuses connections: beta's first attempt fails
        invoice_id = pair.alpha.gateway.submit(SAMPLE.read_bytes(), filename=SAMPLE.name, source="test").invoice_id
        alpha_worker = pair.alpha.worker()
        drive([alpha_worker], lambda: pair.alpha.status(invoice_id) == "sent", timeout=30, what="sent")
        drive([], lambda: len(pair.beta.invoices()) == 1, timeout=10, what="beta stores the invoice")
        beta_worker = pair.beta.worker()
        beta_worker.poll_acks()  # not due yet: nothing is sent, the record stays
        pair.alpha.restart_server()
        for _ in range(3):
            alpha_worker.poll_acks()
        assert pair.alpha.status(invoice_id) == "sent", "acknowledged without an MDN"
        assert pair.beta.make_owed_mdns_due() == 1  # the MDN is kept, its next attempt due now
        beta_worker.poll_acks()  # the worker's acknowledgement poll re-sends the owed MDN
        drive([alpha_worker], lambda: pair.alpha.status(invoice_id) == "acknowledged", timeout=15, what="ack")


def test_async_mdn_timeout_is_an_event_and_does_not_reject(tmp_path: Path, keys: Keys) -> None:
    # Alpha asks for its MDN at a URL where nothing listens: it never arrives.
    with gateway_pair(
        tmp_path, keys, alpha={"mdn": "async", "mdn-url": "http://127.0.0.1:9/as2/mdn", "mdn-timeout": 1}
    ) as pair:
        invoice_id = _send_one(pair, until_status="sent")
        assert len(pair.beta.invoices()) == 1
        worker = pair.alpha.worker()
        drive(
            [worker],
            lambda: any(e.kind == "ack" for e in pair.alpha.events(invoice_id)),
            timeout=15,
            what="the timeout event",
        )
        [event] = [e for e in pair.alpha.events(invoice_id) if e.kind == "ack"]
        assert event.status is None
        assert "as2-mdn: mdn-timeout" in event.detail and "within 1 s" in event.detail
        assert pair.alpha.status(invoice_id) == "sent"
        worker.poll_acks()
        assert len([e for e in pair.alpha.events(invoice_id) if e.kind == "ack"]) == 1, "reported twice"


@pytest.mark.parametrize(
    ("path", "kind", "status", "detail"),
    [
        ("500", "attempt-failed", None, "answered HTTP 500"),
        ("empty", "attempt-failed", None, "without the synchronous MDN requested"),
        ("wrong-mic", "dead-lettered", None, "(as2.mic-mismatch)"),
        ("negative", "rejected", "rejected", "processed/error: unexpected-processing-error"),
    ],
)
def test_partner_failures_are_events_on_the_senders_timeline(
    tmp_path: Path, keys: Keys, path: str, kind: str, status: str | None, detail: str
) -> None:
    with ScriptedPeer(keys) as peer, gateway_pair(tmp_path, keys, alpha_url=lambda _beta: f"{peer.url}/{path}") as pair:
        invoice_id = pair.alpha.gateway.submit(SAMPLE.read_bytes(), filename=SAMPLE.name, source="test").invoice_id
        drive(
            [pair.alpha.worker()],
            lambda: any(e.kind == kind for e in pair.alpha.events(invoice_id)),
            timeout=30,
            what=f"a {kind} event",
            context=lambda: [e.detail for e in pair.alpha.events(invoice_id)],
        )
        event = next(e for e in pair.alpha.events(invoice_id) if e.kind == kind)
        assert event.status == status
        assert detail in event.detail
        assert pair.alpha.status(invoice_id) != "acknowledged"
