"""The ``as2`` channel's send against real HTTP peers: good, wrong and silent answers, and certificates.

The peers are the scripted receiver (:mod:`.scripted_peer`: misbehaviours no
correct implementation produces) and beta's real endpoint (chunked bodies).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from gateway.transports.as2.channel import As2Transport
from gateway.transports.as2.errors import CertificateProblem
from gateway.transports.as2.settings import As2ChannelConfig
from gateway.transports.base import Envelope, Outcome
from tests.integration.as2.gateways import SAMPLE, Keys, as2_channel, gateway_pair, make_keys, write_expired
from tests.integration.as2.scripted_peer import ScriptedPeer

pytestmark = pytest.mark.xdist_group("as2-e2e")


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    return make_keys(tmp_path_factory.mktemp("as2-keys"))


@pytest.fixture(scope="module")
def peer(keys: Keys) -> Iterator[ScriptedPeer]:
    with ScriptedPeer(keys) as server:
        yield server


def _params(keys: Keys, url: str, **extra: Any) -> dict[str, Any]:
    params = as2_channel(keys, "alpha", "beta", url, **extra)
    params.pop("type")
    return params


def _transport(keys: Keys, url: str, **extra: Any) -> As2Transport:
    return As2Transport.from_config(_params(keys, url, **extra), where="partners/beta.yaml: channels[0]", base=keys.dir)


def _envelope(message_id: str = "0123456789abcdef") -> Envelope:
    return Envelope(
        message_id=message_id,
        delivery_id="1",
        invoice_id="inv-1",
        partner_id="beta",
        filename="F2026-001.xml",
        content=SAMPLE.read_bytes(),
        media_type="application/xml",
        format="cii",
    )


def _send(keys: Keys, url: str, **extra: Any) -> Any:
    with _transport(keys, url, **extra) as transport:
        return transport.send(_envelope())


def test_good_peer_signed_mdn_gives_an_accepted_ack(keys: Keys, peer: ScriptedPeer) -> None:
    result = _send(keys, f"{peer.url}/good")
    assert result.outcome is Outcome.DELIVERED, result.detail
    assert result.ack is not None
    assert (result.ack.message_id, result.ack.kind, result.ack.status) == ("0123456789abcdef", "as2-mdn", "accepted")
    assert result.remote_ref == "<0123456789abcdef@aiguillage.invalid>"
    assert result.detail.startswith("signed MDN for <0123456789abcdef@aiguillage.invalid>")
    assert [p.name for p in result.phases] == ["build", "post", "mdn"]
    assert peer.transfer_encodings[-1] is None  # Content-Length by default


def test_chunked_quirk_sends_chunked(keys: Keys, peer: ScriptedPeer) -> None:
    result = _send(keys, f"{peer.url}/good", chunked=True)
    assert result.outcome is Outcome.DELIVERED, result.detail
    assert peer.transfer_encodings[-1] == "chunked"


@pytest.mark.parametrize(
    ("path", "outcome", "retry", "detail"),
    [
        ("wrong-mic", Outcome.PERMANENT_ERROR, False, "(as2.mic-mismatch): Received-Content-MIC"),
        ("forged", Outcome.PERMANENT_ERROR, False, "(as2.signature): not signed by the partner's certificate"),
        ("unsigned", Outcome.PERMANENT_ERROR, False, "(as2.mdn-unsigned): partner beta returned an unsigned MDN"),
        ("negative", Outcome.REJECTED_BY_PEER, False, "processed/error: unexpected-processing-error"),
        ("500", Outcome.TRANSIENT_ERROR, True, "answered HTTP 500: Internal Server Error"),
        ("empty", Outcome.TRANSIENT_ERROR, True, "answered HTTP 200 without the synchronous MDN requested"),
    ],
)
def test_bad_answers_map_to_outcomes(
    keys: Keys, peer: ScriptedPeer, path: str, outcome: Outcome, retry: bool, detail: str
) -> None:
    result = _send(keys, f"{peer.url}/{path}")
    assert (result.outcome, result.retry_feasible) == (outcome, retry), result.detail
    assert detail in result.detail
    if outcome is Outcome.REJECTED_BY_PEER:
        assert result.ack is not None and result.ack.status == "rejected"


def test_unsigned_mdn_accepted_when_the_quirk_says_so(keys: Keys, peer: ScriptedPeer) -> None:
    result = _send(keys, f"{peer.url}/unsigned", **{"accept-unsigned-mdn": True})
    assert result.outcome is Outcome.DELIVERED, result.detail
    assert result.detail.startswith("unsigned MDN")


def test_no_mdn_within_the_timeout_is_transient(keys: Keys, peer: ScriptedPeer) -> None:
    result = _send(keys, f"{peer.url}/slow", **{"mdn-timeout": 0.5})
    assert (result.outcome, result.retry_feasible) == (Outcome.TRANSIENT_ERROR, True)
    assert result.detail.startswith("no MDN within 0.5 s (mdn-timeout)")


def test_unreachable_partner_is_transient(keys: Keys) -> None:
    result = _send(keys, "http://127.0.0.1:9/as2")
    assert (result.outcome, result.retry_feasible) == (Outcome.TRANSIENT_ERROR, True)
    assert "ConnectError" in result.detail


def test_chunked_body_taken_by_our_endpoint(tmp_path: Path, keys: Keys) -> None:
    with gateway_pair(tmp_path, keys) as pair:
        result = _send(keys, f"{pair.beta.url}/as2", chunked=True)
        assert result.outcome is Outcome.DELIVERED, result.detail
        [invoice] = pair.beta.invoices()
        assert pair.beta.original(invoice.id) == SAMPLE.read_bytes()


@pytest.mark.parametrize("whose", ["partner", "our"])
def test_expired_certificate_refuses_to_build_the_channel(keys: Keys, whose: str) -> None:
    expired = write_expired(keys, "alpha" if whose == "our" else "beta")
    extra: dict[str, Any] = (
        {"key-file": str(expired.key), "certificate-file": str(expired.cert)}
        if whose == "our"
        else {"partner-certificate-file": str(expired.cert)}
    )
    with pytest.raises(CertificateProblem, match=rf"{whose} certificate .* is expired"):
        _transport(keys, "http://127.0.0.1:9/as2", **extra)


def test_expiring_certificate_warns_and_is_reported(keys: Keys, caplog: pytest.LogCaptureFixture) -> None:
    params = _params(keys, "http://127.0.0.1:9/as2", **{"certificate-warning-days": 400})
    config = As2ChannelConfig.from_config(params, where="partners/beta.yaml: channels[0]", base=keys.dir)
    with caplog.at_level(logging.WARNING, logger="gateway.transports.as2.settings"):
        As2Transport.from_config(params, where="partners/beta.yaml: channels[0]", base=keys.dir).close()
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 2 and all("is expiring" in w and "renew it" in w for w in warnings)
    reports = config.check_certificates(now=dt.datetime.now(dt.UTC))
    assert [(r.role, r.status.validity.value) for r in reports] == [("our", "expiring"), ("partner", "expiring")]
    assert reports[1].describe().startswith("partner certificate CN=bob")
    assert dataclasses.replace(config, warning_days=30).check_certificates(now=dt.datetime.now(dt.UTC))[0].status.usable
