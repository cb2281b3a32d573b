"""The ``openssl`` CLI as the independent S/MIME peer, in both directions.

What we produce, ``openssl cms``/``openssl smime`` must verify and decrypt;
what ``openssl`` signs and encrypts, we must verify and decrypt. This OpenSSL
build has no zlib, so CompressedData is cross-checked with ``openssl asn1parse``
and the standard library's zlib instead (``openssl cms -compress`` answers
"unsupported compression algorithm" here).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import subprocess
import zlib
from pathlib import Path

import pytest

from gateway.transports.as2 import (
    As2Identity,
    As2Partner,
    Compression,
    ContentEncryption,
    DigestAlgorithm,
    Disposition,
    KeyTransport,
    MicMismatch,
    Parties,
    SignatureInvalid,
    SignatureScheme,
    build_mdn,
    build_message,
    compute_mic,
    process_message,
    read_mdn,
)
from gateway.transports.as2.compression import compress, decompress
from gateway.transports.as2.enveloping import decrypt, encrypt
from gateway.transports.as2.mime import header_value, parse_fields
from gateway.transports.as2.signing import sign, verify
from tests.support.as2_pki import As2Pki, PartyFiles, make_as2_pki, write_party

NOW = dt.datetime.now(dt.UTC)
ENTITY = (
    b"Content-Type: application/EDIFACT\r\nContent-Transfer-Encoding: binary\r\n"
    b'Content-Disposition: attachment; filename="inv.edi"\r\n\r\n'
    b"UNA:+.? 'UNB+UNOC:3+A+B+261127:1200+1'\nUNH+1+INVOIC:D:96A:UN'\n\x00\xff binary tail"
)
ALGS = {
    ContentEncryption.AES128_CBC: "-aes-128-cbc",
    ContentEncryption.AES192_CBC: "-aes-192-cbc",
    ContentEncryption.AES256_CBC: "-aes-256-cbc",
    ContentEncryption.TRIPLE_DES: "-des3",
    ContentEncryption.AES128_GCM: "-aes-128-gcm",
    ContentEncryption.AES192_GCM: "-aes-192-gcm",
    ContentEncryption.AES256_GCM: "-aes-256-gcm",
}
OAEP = {
    KeyTransport.RSA_PKCS1V15: [],
    KeyTransport.RSA_OAEP_SHA1: ["-keyopt", "rsa_padding_mode:oaep"],
    KeyTransport.RSA_OAEP_SHA256: ["-keyopt", "rsa_padding_mode:oaep", "-keyopt", "rsa_oaep_md:sha256"],
}


def openssl(*args: str | Path, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    result = subprocess.run(["openssl", *map(str, args)], capture_output=True, timeout=60, check=False)
    if check and result.returncode != 0:
        pytest.fail(f"openssl {' '.join(map(str, args))} failed:\n{result.stderr.decode(errors='replace')}")
    return result


def openssl_decrypt(
    envelope: Path, party: PartyFiles, out: Path | None = None, *, check: bool = True
) -> subprocess.CompletedProcess[bytes]:
    """``openssl cms -decrypt`` a DER envelope with ``party``'s certificate and key (into ``out`` when given)."""
    written = ["-binary", "-out", out] if out is not None else []
    return openssl(
        "cms", "-decrypt", "-inform", "DER", "-in", envelope, "-recip", party.cert, "-inkey", party.key, *written,
        check=check,
    )  # fmt: skip


@dataclasses.dataclass(frozen=True)
class Env:
    pki: As2Pki
    dir: Path
    ca: Path
    bob: PartyFiles
    alice: PartyFiles
    mallory: PartyFiles


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Env:
    pki = make_as2_pki()
    base = tmp_path_factory.mktemp("openssl")
    ca = base / "ca.crt"
    ca.write_bytes(pki.ca.pem)
    return Env(
        pki,
        base,
        ca,
        write_party(pki.bob, base, "bob"),
        write_party(pki.alice, base, "alice"),
        write_party(pki.mallory, base, "mallory"),
    )


def _bob(env: Env) -> As2Identity:
    return As2Identity("bob", env.pki.bob.cert, env.pki.bob.key)


def _alice(env: Env) -> As2Identity:
    return As2Identity("alice", env.pki.alice.cert, env.pki.alice.key)


def _http_message(headers: tuple[tuple[str, str], ...], body: bytes) -> bytes:
    """The HTTP request as the S/MIME message openssl reads: the content headers, then the body."""
    keep = [(n, v) for n, v in headers if n.lower() in ("mime-version", "content-type", "content-transfer-encoding")]
    return "".join(f"{n}: {v}\r\n" for n, v in keep).encode() + b"\r\n" + body


# --- we produce, openssl accepts -------------------------------------------------------------


@pytest.mark.parametrize(
    ("digest", "scheme", "protection"),
    list(itertools.product(DigestAlgorithm, SignatureScheme, (True, False))),
)
def test_openssl_verifies_our_detached_signature(
    env: Env, tmp_path: Path, digest: DigestAlgorithm, scheme: SignatureScheme, protection: bool
) -> None:
    der = sign(
        ENTITY,
        certificate=env.pki.alice.cert,
        key=env.pki.alice.key,  # type: ignore[arg-type]
        digest=digest,
        scheme=scheme,
        algorithm_protection=protection,
        signing_time=NOW,
    )
    (tmp_path / "sig.der").write_bytes(der)
    (tmp_path / "content").write_bytes(ENTITY)
    common = ["cms", "-verify", "-binary", "-inform", "DER", "-in", tmp_path / "sig.der", "-CAfile", env.ca]
    common += ["-purpose", "any", "-out", tmp_path / "out"]
    openssl(*common, "-content", tmp_path / "content")
    assert (tmp_path / "out").read_bytes() == ENTITY
    (tmp_path / "content").write_bytes(ENTITY.replace(b"UNOC", b"UNOA"))
    tampered = openssl(*common, "-content", tmp_path / "content", check=False)
    assert tampered.returncode != 0 and b"verification failure" in tampered.stderr.lower()


def test_openssl_smime_verifies_our_whole_signed_message(env: Env, tmp_path: Path) -> None:
    partner = As2Partner("bob", env.pki.bob.cert, encryption=None)
    # OpenSSL's S/MIME reader rebuilds each part line by line with CRLF (crypto/asn1/asn_mime.c,
    # multi_split), so a part with bare LFs cannot verify there; -content with DER (above) has no
    # such limit. AS2 over HTTP is binary, so only this CLI path needs a CRLF payload.
    payload = b"UNA:+.? 'UNB+UNOC:3+A+B+261127:1200+1'\r\nUNH+1+INVOIC:D:96A:UN'\r\n"
    out = build_message(payload, sender=_alice(env), partner=partner, content_type="application/EDIFACT")
    (tmp_path / "msg").write_bytes(_http_message(out.headers, out.body))
    openssl(
        "smime",
        "-verify",
        "-binary",
        "-in",
        tmp_path / "msg",
        "-CAfile",
        env.ca,
        "-purpose",
        "any",
        "-out",
        tmp_path / "out",
    )
    assert b"UNH+1+INVOIC" in (tmp_path / "out").read_bytes()
    # The wrong trust anchor: openssl refuses the signer (our 'wrong cert' counterpart).
    wrong = openssl("smime", "-verify", "-binary", "-in", tmp_path / "msg", "-CAfile", env.mallory.cert, check=False)
    assert wrong.returncode != 0


@pytest.mark.parametrize(("encryption", "transport"), list(itertools.product(ContentEncryption, KeyTransport)))
def test_openssl_decrypts_our_envelope(
    env: Env, tmp_path: Path, encryption: ContentEncryption, transport: KeyTransport
) -> None:
    (tmp_path / "env.der").write_bytes(
        encrypt(ENTITY, recipient=env.pki.bob.cert, encryption=encryption, key_transport=transport)
    )
    openssl_decrypt(tmp_path / "env.der", env.bob, tmp_path / "plain")
    assert (tmp_path / "plain").read_bytes() == ENTITY
    refused = openssl_decrypt(tmp_path / "env.der", env.mallory, check=False)
    assert refused.returncode != 0


def test_whole_message_signed_compressed_encrypted_opens_with_openssl(env: Env, tmp_path: Path) -> None:
    partner = As2Partner(
        "bob", env.pki.bob.cert, compression=Compression.AFTER_SIGNING, encryption=ContentEncryption.AES128_GCM
    )
    out = build_message(b"PAYLOAD\n", sender=_alice(env), partner=partner, content_type="application/EDIFACT")
    (tmp_path / "env.der").write_bytes(out.body)
    openssl_decrypt(tmp_path / "env.der", env.bob, tmp_path / "inner")
    inner = (tmp_path / "inner").read_bytes()
    assert inner.startswith(b"Content-Type: application/pkcs7-mime; smime-type=compressed-data")
    assert decompress(inner.split(b"\r\n\r\n", 1)[1]).count(b"PAYLOAD") == 1


def test_our_compressed_data_parses_in_openssl_and_inflates_with_zlib(tmp_path: Path) -> None:
    (tmp_path / "c.der").write_bytes(compress(ENTITY))
    parsed = openssl("asn1parse", "-inform", "DER", "-in", tmp_path / "c.der").stdout.decode()
    assert "id-smime-ct-compressedData" in parsed
    assert "zlib" in parsed.lower()
    offset = int(parsed.strip().splitlines()[-1].split(":")[0])
    der = (tmp_path / "c.der").read_bytes()
    header_length = int(parsed.strip().splitlines()[-1].split("hl=")[1].split()[0])
    assert zlib.decompress(der[offset + header_length :]) == ENTITY


def test_openssl_verifies_our_signed_mdn(env: Env, tmp_path: Path) -> None:
    mic = compute_mic(ENTITY, DigestAlgorithm.SHA256)
    mdn = build_mdn(
        original_message_id="<m@alice>",
        reporter="bob",
        recipient="alice",
        disposition=Disposition.processed(),
        mic=mic,
        signer=_bob(env),
    )
    (tmp_path / "mdn").write_bytes(_http_message(mdn.headers, mdn.body))
    openssl(
        "smime",
        "-verify",
        "-binary",
        "-in",
        tmp_path / "mdn",
        "-CAfile",
        env.ca,
        "-purpose",
        "any",
        "-out",
        tmp_path / "report",
    )
    report = (tmp_path / "report").read_bytes()
    assert f"Received-Content-MIC: {mic.header_value()}".encode() in report


# --- openssl produces, we accept -------------------------------------------------------------


@pytest.mark.parametrize(
    ("md", "pss"), [("sha1", False), ("sha256", False), ("sha384", True), ("sha512", False), ("sha256", True)]
)
def test_we_verify_openssl_signatures(env: Env, tmp_path: Path, md: str, pss: bool) -> None:
    (tmp_path / "content").write_bytes(ENTITY)
    extra = ["-keyopt", "rsa_padding_mode:pss"] if pss else []
    for opaque in (False, True):
        openssl(
            "cms",
            "-sign",
            "-binary",
            "-in",
            tmp_path / "content",
            "-signer",
            env.alice.cert,
            "-inkey",
            env.alice.key,
            "-md",
            md,
            *extra,
            "-outform",
            "DER",
            "-out",
            tmp_path / "sig.der",
            *(["-nodetach"] if opaque else []),
        )
        der = (tmp_path / "sig.der").read_bytes()
        result = verify(der, content=None if opaque else ENTITY, certificate=env.pki.alice.cert)
        assert result.content == ENTITY and result.digest.value == md
        with pytest.raises(SignatureInvalid):
            verify(der, content=None if opaque else ENTITY, certificate=env.pki.mallory.cert)
        if not opaque:
            with pytest.raises(SignatureInvalid):
                verify(der, content=ENTITY + b"!", certificate=env.pki.alice.cert)


@pytest.mark.parametrize(("encryption", "transport"), list(itertools.product(ContentEncryption, KeyTransport)))
def test_we_decrypt_openssl_envelopes(
    env: Env, tmp_path: Path, encryption: ContentEncryption, transport: KeyTransport
) -> None:
    (tmp_path / "content").write_bytes(ENTITY)
    openssl(
        "cms",
        "-encrypt",
        "-binary",
        ALGS[encryption],
        "-in",
        tmp_path / "content",
        "-outform",
        "DER",
        "-out",
        tmp_path / "env.der",
        "-recip",
        env.bob.cert,
        *OAEP[transport],
    )
    result = decrypt((tmp_path / "env.der").read_bytes(), certificate=env.pki.bob.cert, key=env.pki.bob.key)  # type: ignore[arg-type]
    assert result.content == ENTITY
    assert result.encryption is encryption
    assert result.key_transport is transport


def _openssl_as2_message(
    env: Env, tmp_path: Path, *, signer: PartyFiles, encrypt_to: Path | None
) -> tuple[list[tuple[str, str]], bytes]:
    """An AS2 message made by openssl alone: smime -sign a payload entity, then cms -encrypt it."""
    (tmp_path / "entity").write_bytes(ENTITY)
    openssl(
        "smime",
        "-sign",
        "-binary",
        "-crlfeol",
        "-in",
        tmp_path / "entity",
        "-signer",
        signer.cert,
        "-inkey",
        signer.key,
        "-md",
        "sha256",
        "-out",
        tmp_path / "signed",
    )
    signed = (tmp_path / "signed").read_bytes()
    if encrypt_to is not None:
        # The signed message minus its MIME-Version line is the entity to encrypt.
        (tmp_path / "signed_entity").write_bytes(signed.replace(b"MIME-Version: 1.0\r\n", b"", 1))
        openssl(
            "cms",
            "-encrypt",
            "-binary",
            "-aes-256-cbc",
            "-in",
            tmp_path / "signed_entity",
            "-outform",
            "DER",
            "-out",
            tmp_path / "env.der",
            "-recip",
            encrypt_to,
        )
        content_type = "application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m"
        headers = [("Content-Type", content_type), ("Content-Transfer-Encoding", "binary")]
        body = (tmp_path / "env.der").read_bytes()
    else:
        head, body = signed.split(b"\r\n\r\n", 1)
        headers = list(parse_fields(head))
    as2 = [("AS2-From", "alice"), ("AS2-To", "bob"), ("AS2-Version", "1.2"), ("Message-ID", "<openssl-1@alice>")]
    as2 += [
        ("Disposition-Notification-To", "alice"),
        (
            "Disposition-Notification-Options",
            "signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256",
        ),
    ]
    return as2 + headers, body


def _lookup(env: Env):  # type: ignore[no-untyped-def]
    partner = As2Partner("alice", env.pki.alice.cert)
    return lambda f, t: Parties(partner, _bob(env)) if (f, t) == ("alice", "bob") else None


@pytest.mark.parametrize("encrypted", [False, True])
def test_we_process_an_as2_message_built_by_openssl(env: Env, tmp_path: Path, encrypted: bool) -> None:
    headers, body = _openssl_as2_message(
        env, tmp_path, signer=env.alice, encrypt_to=env.bob.cert if encrypted else None
    )
    result = process_message(headers, body, lookup=_lookup(env))
    assert result.error is None, result.error
    assert result.signed and result.encrypted is encrypted
    assert result.payload == ENTITY.split(b"\r\n\r\n", 1)[1]
    assert result.filename == "inv.edi"
    assert result.mic == compute_mic(ENTITY, DigestAlgorithm.SHA256)
    assert result.mdn is not None and result.mdn.signed
    # ...and openssl verifies the MDN we answer with.
    (tmp_path / "mdn").write_bytes(_http_message(result.mdn.headers, result.mdn.body))
    openssl(
        "smime",
        "-verify",
        "-binary",
        "-in",
        tmp_path / "mdn",
        "-CAfile",
        env.ca,
        "-purpose",
        "any",
        "-out",
        tmp_path / "report",
    )
    assert b"; processed\r\n" in (tmp_path / "report").read_bytes()


def test_openssl_message_signed_by_the_wrong_key_fails(env: Env, tmp_path: Path) -> None:
    headers, body = _openssl_as2_message(env, tmp_path, signer=env.mallory, encrypt_to=env.bob.cert)
    result = process_message(headers, body, lookup=_lookup(env))
    assert result.error is not None and result.error.code == "as2.signature"
    assert result.disposition.description == "authentication-failed"


def test_openssl_message_with_tampered_payload_fails(env: Env, tmp_path: Path) -> None:
    headers, body = _openssl_as2_message(env, tmp_path, signer=env.alice, encrypt_to=None)
    assert b"UNB+UNOC" in body
    result = process_message(headers, body.replace(b"UNB+UNOC", b"UNB+UNOA"), lookup=_lookup(env))
    assert result.error is not None and result.error.code == "as2.signature"


@pytest.mark.parametrize("matching", [True, False])
def test_mdn_signed_by_openssl_mic_match_and_mismatch(env: Env, tmp_path: Path, matching: bool) -> None:
    ours = compute_mic(ENTITY, DigestAlgorithm.SHA256)
    returned = ours if matching else compute_mic(ENTITY + b"x", DigestAlgorithm.SHA256)
    report = (
        b'Content-Type: multipart/report; report-type=disposition-notification; boundary="r"\r\n\r\n'
        b"--r\r\nContent-Type: text/plain\r\n\r\nReceived.\r\n"
        b"--r\r\nContent-Type: message/disposition-notification\r\n\r\n"
        b"Original-Message-ID: <m1@alice>\r\n"
        + f"Received-Content-MIC: {returned.header_value()}\r\n".encode()
        + b"Disposition: automatic-action/MDN-sent-automatically; processed\r\n\r\n--r--\r\n"
    )
    (tmp_path / "report").write_bytes(report)
    openssl(
        "smime",
        "-sign",
        "-binary",
        "-crlfeol",
        "-in",
        tmp_path / "report",
        "-signer",
        env.bob.cert,
        "-inkey",
        env.bob.key,
        "-md",
        "sha256",
        "-out",
        tmp_path / "mdn",
    )
    head, body = (tmp_path / "mdn").read_bytes().split(b"\r\n\r\n", 1)
    headers = parse_fields(head)
    assert header_value(headers, "Content-Type").startswith("multipart/signed")
    partner = As2Partner("bob", env.pki.bob.cert)
    if matching:
        result = read_mdn(headers, body, partner=partner, original_message_id="<m1@alice>", expected_mic=ours)
        assert result.signed and result.disposition.status == "accepted"
    else:
        with pytest.raises(MicMismatch):
            read_mdn(headers, body, partner=partner, original_message_id="<m1@alice>", expected_mic=ours)
