"""One test per partner quirk switch of :class:`As2Quirks`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from typing import Any

from asn1crypto import cms  # type: ignore[import-untyped]

from gateway.transports.as2 import (
    As2Identity,
    As2Partner,
    As2Quirks,
    DigestAlgorithm,
    DigestSpelling,
    KeyTransport,
    build_message,
    process_message,
)
from gateway.transports.as2.enveloping import decrypt
from gateway.transports.as2.mime import header_value, parse_entity
from gateway.transports.as2.signing import sign
from gateway.transports.as2.smime import read_signed_multipart, signed_multipart
from tests.unit.gateway.as2.conftest import lookup_for

EDI = b"UNB+UNOC:3+A+B'\nUNZ+1+1'\n"


def _with(partner: As2Partner, **changes: Any) -> As2Partner:
    return dataclasses.replace(partner, quirks=dataclasses.replace(partner.quirks, **changes))


def test_defaults_follow_the_rfcs() -> None:
    quirks = As2Quirks()
    assert quirks.digest_spelling is DigestSpelling.RFC5751
    assert quirks.key_transport is KeyTransport.RSA_PKCS1V15
    assert quirks.algorithm_protection and quirks.reject_unsigned_messages
    assert not (
        quirks.canonicalize_as_binary or quirks.fold_headers or quirks.accept_unsigned_mdn or quirks.http_chunked
    )


def test_digest_spelling(alice: As2Identity, bob_at_alice: As2Partner) -> None:
    for spelling, expected in ((DigestSpelling.RFC5751, "sha-256"), (DigestSpelling.LEGACY, "sha256")):
        partner = dataclasses.replace(_with(bob_at_alice, digest_spelling=spelling), encryption=None)
        out = build_message(EDI, sender=alice, partner=partner, content_type="application/EDIFACT")
        assert f"micalg={expected};" in header_value(out.headers, "Content-Type")
        assert header_value(out.headers, "Disposition-Notification-Options").endswith(f"optional, {expected}")


def _recipient_algorithm(body: bytes) -> str:
    info = cms.ContentInfo.load(body)
    return str(info["content"]["recipient_infos"][0].chosen["key_encryption_algorithm"]["algorithm"].native)


def test_key_transport(alice: As2Identity, bob: As2Identity, bob_at_alice: As2Partner) -> None:
    for transport, oid_name in (
        (KeyTransport.RSA_PKCS1V15, "rsaes_pkcs1v15"),
        (KeyTransport.RSA_OAEP_SHA1, "rsaes_oaep"),
        (KeyTransport.RSA_OAEP_SHA256, "rsaes_oaep"),
    ):
        out = build_message(
            EDI, sender=alice, partner=_with(bob_at_alice, key_transport=transport), content_type="application/EDIFACT"
        )
        assert _recipient_algorithm(out.body) == oid_name
        assert decrypt(out.body, certificate=bob.certificate, key=bob.key).key_transport is transport  # type: ignore[arg-type]


def test_algorithm_protection_attribute(alice: As2Identity, bob_at_alice: As2Partner) -> None:
    for enabled in (True, False):
        partner = dataclasses.replace(_with(bob_at_alice, algorithm_protection=enabled), encryption=None)
        out = build_message(EDI, sender=alice, partner=partner, content_type="application/EDIFACT")
        top = parse_entity(
            b"Content-Type: " + header_value(out.headers, "Content-Type").encode() + b"\r\n\r\n" + out.body
        )
        _, signature, _ = read_signed_multipart(top)
        attrs = cms.ContentInfo.load(signature)["content"]["signer_infos"][0]["signed_attrs"]
        names = {attr["type"].native for attr in attrs}
        assert ("cms_algorithm_protection" in names) is enabled


def test_header_folding(alice: As2Identity, bob_at_alice: As2Partner) -> None:
    long_type = 'application/xml; charset=utf-8; name="' + "x" * 60 + '.xml"'
    flat = build_message(
        EDI, sender=alice, partner=dataclasses.replace(bob_at_alice, encryption=None), content_type=long_type
    )
    folded_partner = dataclasses.replace(_with(bob_at_alice, fold_headers=True), encryption=None)
    folded = build_message(EDI, sender=alice, partner=folded_partner, content_type=long_type)
    assert b"charset=utf-8;\r\n name=" in folded.body
    assert b"charset=utf-8; name=" in flat.body
    # HTTP headers are never folded, whatever the switch.
    assert all("\n" not in value for _, value in folded.headers)


def test_canonicalize_as_binary_changes_the_mic_of_text_parts(
    alice: As2Identity, bob: As2Identity, alice_at_bob: As2Partner
) -> None:
    # A partner whose signed part is 7bit text with bare LFs (IBM Sterling style).
    entity = b"Content-Type: application/EDIFACT\r\nContent-Transfer-Encoding: 7bit\r\n\r\n" + EDI
    signature = sign(entity, certificate=alice.certificate, key=alice.key, signing_time=dt.datetime.now(dt.UTC))
    top = signed_multipart(entity, signature, "sha-256")
    headers = [("AS2-From", "alice"), ("AS2-To", "bob"), ("Message-ID", "<q@a>"), *top.headers]
    canonical = process_message(headers, top.body, lookup=lookup_for(alice_at_bob, bob))
    binary = process_message(
        headers, top.body, lookup=lookup_for(_with(alice_at_bob, canonicalize_as_binary=True), bob)
    )
    assert canonical.accepted and binary.accepted
    assert canonical.mic is not None and binary.mic is not None
    assert not canonical.mic.matches(binary.mic)
    assert binary.mic.digest == hashlib.sha256(entity).digest()
    assert canonical.mic.digest == hashlib.sha256(entity.replace(b"'\n", b"'\r\n")).digest()


def test_reject_unsigned_messages_switch(
    alice: As2Identity, bob: As2Identity, bob_at_alice: As2Partner, alice_at_bob: As2Partner
) -> None:
    out = build_message(
        EDI, sender=alice, partner=dataclasses.replace(bob_at_alice, sign=None), content_type="application/EDIFACT"
    )
    strict = process_message(out.headers, out.body, lookup=lookup_for(alice_at_bob, bob))
    lenient = process_message(
        out.headers, out.body, lookup=lookup_for(_with(alice_at_bob, reject_unsigned_messages=False), bob)
    )
    assert strict.error is not None and strict.error.code == "as2.unsigned"
    assert lenient.accepted and lenient.payload == EDI and not lenient.signed


def test_http_chunked_is_recorded_for_the_http_layer(bob_at_alice: As2Partner) -> None:
    assert not bob_at_alice.quirks.http_chunked
    assert _with(bob_at_alice, http_chunked=True).quirks.http_chunked


def test_accept_unsigned_mdn_is_tested_in_test_mdn() -> None:
    # See test_mdn.test_unsigned_mdn_refused_unless_the_partner_switch_allows_it.
    assert "accept_unsigned_mdn" in {f.name for f in dataclasses.fields(As2Quirks)}


def test_mdn_micalg_choice_follows_the_request(
    alice: As2Identity, bob: As2Identity, bob_at_alice: As2Partner, alice_at_bob: As2Partner
) -> None:
    partner = dataclasses.replace(bob_at_alice, mdn_digest=DigestAlgorithm.SHA384)
    out = build_message(EDI, sender=alice, partner=partner, content_type="application/EDIFACT")
    result = process_message(out.headers, out.body, lookup=lookup_for(alice_at_bob, bob))
    assert result.mic is not None and result.mic.algorithm is DigestAlgorithm.SHA384
    assert result.mic.matches(out.mic)
