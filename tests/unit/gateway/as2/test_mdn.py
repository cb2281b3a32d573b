from __future__ import annotations

import dataclasses

import pytest

from gateway.transports.as2 import (
    As2Identity,
    As2Partner,
    DigestAlgorithm,
    Disposition,
    MdnMismatch,
    Mic,
    MicMismatch,
    OutboundMdn,
    SignatureInvalid,
    UnsignedMdn,
    build_mdn,
    compute_mic,
    read_mdn,
)
from gateway.transports.as2.disposition import parse_mdn_request
from gateway.transports.as2.mime import header_value
from tests.support.as2_pki import As2Pki

ORIGINAL = "<abc123@alice.example>"
MIC = compute_mic(b"Content-Type: application/xml\r\n\r\n<x/>", DigestAlgorithm.SHA256)


PROCESSED = Disposition.processed()


def _mdn(bob: As2Identity | None, disposition: Disposition = PROCESSED, mic: Mic | None = MIC) -> OutboundMdn:
    return build_mdn(
        original_message_id=ORIGINAL, reporter="bob", recipient="alice", disposition=disposition, mic=mic, signer=bob
    )


def test_signed_mdn_with_matching_mic(bob: As2Identity, bob_at_alice: As2Partner) -> None:
    mdn = _mdn(bob)
    assert header_value(mdn.headers, "AS2-From") == "bob"
    assert header_value(mdn.headers, "Content-Type").startswith("multipart/signed")
    result = read_mdn(mdn.headers, mdn.body, partner=bob_at_alice, original_message_id=ORIGINAL, expected_mic=MIC)
    assert result.signed
    assert result.disposition == Disposition.processed()
    assert result.received_mic is not None and result.received_mic.matches(MIC)
    assert "processed" in result.explanation


def test_mic_mismatch_is_an_error_never_a_warning(bob: As2Identity, bob_at_alice: As2Partner) -> None:
    mdn = _mdn(bob, mic=compute_mic(b"Content-Type: text/plain\r\n\r\nother", DigestAlgorithm.SHA256))
    with pytest.raises(MicMismatch) as info:
        read_mdn(mdn.headers, mdn.body, partner=bob_at_alice, original_message_id=ORIGINAL, expected_mic=MIC)
    assert info.value.code == "as2.mic-mismatch"


def test_missing_mic_on_a_positive_mdn_is_a_mismatch(bob: As2Identity, bob_at_alice: As2Partner) -> None:
    mdn = _mdn(bob, mic=None)
    with pytest.raises(MicMismatch, match="no Received-Content-MIC"):
        read_mdn(mdn.headers, mdn.body, partner=bob_at_alice, original_message_id=ORIGINAL, expected_mic=MIC)


def test_mic_in_another_algorithm_is_a_mismatch(bob: As2Identity, bob_at_alice: As2Partner) -> None:
    mdn = _mdn(bob, mic=compute_mic(b"Content-Type: application/xml\r\n\r\n<x/>", DigestAlgorithm.SHA1))
    with pytest.raises(MicMismatch):
        read_mdn(mdn.headers, mdn.body, partner=bob_at_alice, original_message_id=ORIGINAL, expected_mic=MIC)


def test_negative_mdn_is_returned_not_raised(bob: As2Identity, bob_at_alice: As2Partner) -> None:
    mdn = _mdn(bob, Disposition.error("decryption-failed"), mic=None)
    result = read_mdn(mdn.headers, mdn.body, partner=bob_at_alice, original_message_id=ORIGINAL, expected_mic=MIC)
    assert result.disposition.status == "rejected"
    assert result.to_ack().status == "rejected"
    assert result.disposition.description == "decryption-failed"


def test_mdn_for_another_message_is_refused(bob: As2Identity, bob_at_alice: As2Partner) -> None:
    mdn = _mdn(bob)
    with pytest.raises(MdnMismatch):
        read_mdn(mdn.headers, mdn.body, partner=bob_at_alice, original_message_id="<other@alice>", expected_mic=MIC)


def test_unsigned_mdn_refused_unless_the_partner_switch_allows_it(bob_at_alice: As2Partner) -> None:
    mdn = _mdn(None)
    assert header_value(mdn.headers, "Content-Type").startswith("multipart/report")
    with pytest.raises(UnsignedMdn):
        read_mdn(mdn.headers, mdn.body, partner=bob_at_alice, original_message_id=ORIGINAL, expected_mic=MIC)
    lenient = dataclasses.replace(
        bob_at_alice, quirks=dataclasses.replace(bob_at_alice.quirks, accept_unsigned_mdn=True)
    )
    result = read_mdn(mdn.headers, mdn.body, partner=lenient, original_message_id=ORIGINAL, expected_mic=MIC)
    assert not result.signed and result.disposition.status == "accepted"


def test_mdn_signed_by_a_stranger_fails(pki: As2Pki, bob_at_alice: As2Partner) -> None:
    mdn = _mdn(As2Identity("bob", pki.mallory.cert, pki.mallory.key))
    with pytest.raises(SignatureInvalid):
        read_mdn(mdn.headers, mdn.body, partner=bob_at_alice, original_message_id=ORIGINAL, expected_mic=MIC)


def test_tampered_mdn_fails(bob: As2Identity, bob_at_alice: As2Partner) -> None:
    mdn = _mdn(bob, Disposition.error("authentication-failed"), mic=MIC)
    forged = mdn.body.replace(b"processed/error: authentication-failed", b"processed                            ")
    assert forged != mdn.body
    with pytest.raises(SignatureInvalid):
        read_mdn(mdn.headers, forged, partner=bob_at_alice, original_message_id=ORIGINAL, expected_mic=MIC)


@pytest.mark.parametrize(
    ("value", "status", "description"),
    [
        ("automatic-action/MDN-sent-automatically; processed", "accepted", None),
        (
            "automatic-action/MDN-sent-automatically; processed/Warning: duplicate-document",
            "warning",
            "duplicate-document",
        ),
        (
            "automatic-action/MDN-sent-automatically; processed/Error: integrity-check-failed",
            "rejected",
            "integrity-check-failed",
        ),
        (
            "automatic-action/MDN-sent-automatically; failed/Failure: unsupported format",
            "rejected",
            "unsupported format",
        ),
    ],
)
def test_disposition_parsing(value: str, status: str, description: str | None) -> None:
    disposition = Disposition.parse(value)
    assert disposition.status == status
    assert disposition.description == description


def test_mdn_request_parsing_accepts_both_spellings_and_skips_unknown() -> None:
    request = parse_mdn_request(
        [
            ("disposition-notification-to", "x@y"),
            (
                "Disposition-Notification-Options",
                "signed-receipt-protocol=required, pkcs7-signature; signed-receipt-micalg=required, md5, sha256, sha-1",
            ),
            ("Receipt-Delivery-Option", "https://a.example/mdn"),
        ]
    )
    assert request.requested and request.signed and request.signed_required
    assert request.micalgs == (DigestAlgorithm.SHA256, DigestAlgorithm.SHA1)
    assert request.async_url == "https://a.example/mdn"
    assert not parse_mdn_request([("AS2-From", "a")]).requested
