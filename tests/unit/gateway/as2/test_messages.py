"""Outbound builder → inbound processor → MDN → MDN reader, through our own code."""

from __future__ import annotations

import dataclasses
import itertools

import pytest

from gateway.transports.as2 import (
    As2Identity,
    As2Partner,
    Compression,
    ContentEncryption,
    DigestAlgorithm,
    MdnMode,
    build_message,
    process_message,
    read_mdn,
)
from gateway.transports.as2.mime import header_value
from tests.support.as2_pki import As2Pki
from tests.unit.gateway.as2.conftest import lookup_for

EDI = b"UNA:+.? 'UNB+UNOC:3+SENDER+RECEIVER+261127:1200+1'\nUNZ+1+1'\n"


@pytest.mark.parametrize(
    ("sign", "encryption", "compression"),
    list(
        itertools.product(
            [None, DigestAlgorithm.SHA1, DigestAlgorithm.SHA256, DigestAlgorithm.SHA512],
            [None, ContentEncryption.AES128_CBC, ContentEncryption.TRIPLE_DES, ContentEncryption.AES256_GCM],
            list(Compression),
        )
    ),
)
def test_round_trip_matrix(
    alice: As2Identity,
    bob: As2Identity,
    bob_at_alice: As2Partner,
    alice_at_bob: As2Partner,
    sign: DigestAlgorithm | None,
    encryption: ContentEncryption | None,
    compression: Compression,
) -> None:
    profile = dataclasses.replace(bob_at_alice, sign=sign, encryption=encryption, compression=compression)
    receiving = dataclasses.replace(
        alice_at_bob, quirks=dataclasses.replace(alice_at_bob.quirks, reject_unsigned_messages=False)
    )
    out = build_message(EDI, sender=alice, partner=profile, content_type="application/EDIFACT", filename="i.edi")
    result = process_message(out.headers, out.body, lookup=lookup_for(receiving, bob))
    assert result.error is None, result.error
    assert result.accepted
    assert result.payload == EDI
    assert result.filename == "i.edi"
    assert (result.signed, result.encrypted, result.compressed) == (out.signed, out.encrypted, out.compressed)
    assert result.mic is not None and result.mic.matches(out.mic)
    assert result.mdn is not None and result.mdn.signed
    mdn = read_mdn(
        result.mdn.headers, result.mdn.body, partner=profile, original_message_id=out.message_id, expected_mic=out.mic
    )
    assert mdn.disposition.status == "accepted"
    assert mdn.to_ack().message_id == out.message_id


def test_outbound_headers(alice: As2Identity, bob_at_alice: As2Partner) -> None:
    profile = dataclasses.replace(bob_at_alice, mdn=MdnMode.ASYNC, async_mdn_url="https://alice.example/as2/mdn")
    out = build_message(EDI, sender=alice, partner=profile, content_type="application/EDIFACT")
    headers = out.headers
    assert header_value(headers, "AS2-Version") == "1.2"
    assert header_value(headers, "AS2-From") == "alice"
    assert header_value(headers, "AS2-To") == "bob"
    message_id = header_value(headers, "Message-ID")
    assert message_id == out.message_id and message_id.startswith("<") and "@" in message_id
    assert header_value(headers, "Receipt-Delivery-Option") == "https://alice.example/as2/mdn"
    options = header_value(headers, "Disposition-Notification-Options")
    assert options == "signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256"
    assert header_value(headers, "Content-Type").startswith("application/pkcs7-mime; smime-type=enveloped-data")
    assert EDI not in out.body
    second = build_message(EDI, sender=alice, partner=profile, content_type="application/EDIFACT")
    assert second.message_id != out.message_id


def test_as2_names_with_spaces_are_quoted(alice: As2Identity, pki: As2Pki) -> None:
    partner = As2Partner("ACME Corp", pki.bob.cert, mdn=MdnMode.NONE)
    out = build_message(EDI, sender=alice, partner=partner, content_type="application/EDIFACT")
    assert header_value(out.headers, "AS2-To") == '"ACME Corp"'
    assert header_value(out.headers, "Disposition-Notification-To") is None


def test_unsigned_message_is_rejected_when_the_partner_must_sign(
    alice: As2Identity, bob: As2Identity, bob_at_alice: As2Partner, alice_at_bob: As2Partner
) -> None:
    out = build_message(
        EDI, sender=alice, partner=dataclasses.replace(bob_at_alice, sign=None), content_type="application/EDIFACT"
    )
    result = process_message(out.headers, out.body, lookup=lookup_for(alice_at_bob, bob))
    assert result.error is not None and result.error.code == "as2.unsigned"
    assert result.payload is None and not result.accepted
    assert result.disposition.header_value().endswith("processed/error: insufficient-message-security")


def test_unknown_partner_gets_an_unsigned_failure_mdn(
    alice: As2Identity, bob: As2Identity, bob_at_alice: As2Partner, alice_at_bob: As2Partner
) -> None:
    out = build_message(EDI, sender=alice, partner=bob_at_alice, content_type="application/EDIFACT")
    result = process_message(out.headers, out.body, lookup=lambda _f, _t: None)
    assert result.error is not None and result.error.code == "as2.unknown-partner"
    assert result.mdn is not None and not result.mdn.signed
    assert result.disposition.description == "authentication-failed"


def test_message_signed_by_a_stranger_fails_authentication(
    pki: As2Pki, bob: As2Identity, bob_at_alice: As2Partner, alice_at_bob: As2Partner
) -> None:
    mallory = As2Identity("alice", pki.mallory.cert, pki.mallory.key)  # impersonates alice's AS2 name
    out = build_message(EDI, sender=mallory, partner=bob_at_alice, content_type="application/EDIFACT")
    result = process_message(out.headers, out.body, lookup=lookup_for(alice_at_bob, bob))
    assert result.error is not None and result.error.code == "as2.signature"
    assert result.disposition.description == "authentication-failed"
    assert result.payload is None


def test_tampered_payload_fails(
    alice: As2Identity, bob: As2Identity, bob_at_alice: As2Partner, alice_at_bob: As2Partner
) -> None:
    out = build_message(
        EDI,
        sender=alice,
        partner=dataclasses.replace(bob_at_alice, encryption=None),
        content_type="application/EDIFACT",
    )
    assert EDI in out.body
    tampered = out.body.replace(b"SENDER", b"SENDEX")
    result = process_message(out.headers, tampered, lookup=lookup_for(alice_at_bob, bob))
    assert result.error is not None and result.error.code == "as2.signature"
    assert not result.accepted


def test_message_for_another_certificate_fails_decryption(
    pki: As2Pki, alice: As2Identity, bob: As2Identity, bob_at_alice: As2Partner, alice_at_bob: As2Partner
) -> None:
    out = build_message(
        EDI,
        sender=alice,
        partner=dataclasses.replace(bob_at_alice, certificate=pki.mallory.cert),
        content_type="application/EDIFACT",
    )
    result = process_message(out.headers, out.body, lookup=lookup_for(alice_at_bob, bob))
    assert result.error is not None and result.error.code == "as2.decrypt"
    assert result.disposition.description == "decryption-failed"


def test_previous_certificate_still_decrypts_during_rollover(
    pki: As2Pki, alice: As2Identity, bob: As2Identity, bob_at_alice: As2Partner, alice_at_bob: As2Partner
) -> None:
    out = build_message(EDI, sender=alice, partner=bob_at_alice, content_type="application/EDIFACT")
    rolled = As2Identity("bob", pki.mallory.cert, pki.mallory.key, previous=((pki.bob.cert, pki.bob.key),))  # type: ignore[arg-type]
    assert process_message(out.headers, out.body, lookup=lookup_for(alice_at_bob, rolled)).accepted


def test_duplicate_gets_a_positive_warning(
    alice: As2Identity, bob: As2Identity, bob_at_alice: As2Partner, alice_at_bob: As2Partner
) -> None:
    out = build_message(EDI, sender=alice, partner=bob_at_alice, content_type="application/EDIFACT")
    seen = {("alice", out.message_id)}
    result = process_message(
        out.headers, out.body, lookup=lookup_for(alice_at_bob, bob), is_duplicate=lambda f, m: (f, m) in seen
    )
    assert result.duplicate and not result.accepted and result.error is None
    assert result.disposition.header_value().endswith("processed/warning: duplicate-document")
    assert result.mdn is not None
    mdn = read_mdn(
        result.mdn.headers,
        result.mdn.body,
        partner=bob_at_alice,
        original_message_id=out.message_id,
        expected_mic=out.mic,
    )
    assert mdn.disposition.status == "warning"


def test_async_mdn_request_is_reported(
    alice: As2Identity, bob: As2Identity, bob_at_alice: As2Partner, alice_at_bob: As2Partner
) -> None:
    profile = dataclasses.replace(bob_at_alice, mdn=MdnMode.ASYNC, async_mdn_url="http://127.0.0.1:9/mdn")
    out = build_message(EDI, sender=alice, partner=profile, content_type="application/EDIFACT")
    result = process_message(out.headers, out.body, lookup=lookup_for(alice_at_bob, bob))
    assert result.async_mdn_url == "http://127.0.0.1:9/mdn"
    assert result.accepted


def test_no_mdn_requested_means_none_built(
    alice: As2Identity, bob: As2Identity, bob_at_alice: As2Partner, alice_at_bob: As2Partner
) -> None:
    out = build_message(
        EDI,
        sender=alice,
        partner=dataclasses.replace(bob_at_alice, mdn=MdnMode.NONE),
        content_type="application/EDIFACT",
    )
    result = process_message(out.headers, out.body, lookup=lookup_for(alice_at_bob, bob))
    assert result.accepted and result.mdn is None
