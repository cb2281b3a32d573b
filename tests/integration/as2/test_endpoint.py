"""Beta's ``POST /as2`` and alpha's ``POST /as2/mdn`` against what peers send: good, bad, repeated, broken.

Messages come from our library as alpha (the other gateway's key), from the
``openssl`` CLI, and as raw bytes over a socket for the broken ones. Every
negative case is checked twice: the disposition the partner reads, and the
trace the operator reads (the ``as2_inbound`` row; no invoice is made).
"""

from __future__ import annotations

import datetime as dt
import gc
import socket
import subprocess
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.api import ApiServer, create_app
from gateway.store.models import EventRow, TrackingRow
from gateway.store.tracking import StoreTracking
from gateway.transports.as2 import (
    As2Identity,
    As2Partner,
    ContentEncryption,
    DigestAlgorithm,
    Disposition,
    MdnResult,
    Mic,
    OutboundMessage,
    build_mdn,
    build_message,
    read_mdn,
)
from gateway.transports.as2.channel import As2Transport
from gateway.transports.as2.mic import compute_mic, parse_mic
from gateway.transports.as2.mime import parse_entity, split_multipart
from gateway.transports.as2.pending import As2Record
from gateway.transports.base import Envelope, Outcome
from tests.integration.as2.gateways import (
    SAMPLE,
    Keys,
    Pair,
    as2_channel,
    gateway_pair,
    make_keys,
    write_expired,
    write_partner,
)
from tests.integration.as2.scripted_peer import ScriptedPeer

pytestmark = pytest.mark.xdist_group("as2-e2e")

PAYLOAD = SAMPLE.read_bytes()
OPTIONS = "signed-receipt-protocol=optional, pkcs7-signature; signed-receipt-micalg=optional, sha-256"


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> Keys:
    return make_keys(tmp_path_factory.mktemp("as2-keys"))


@pytest.fixture
def pair(tmp_path: Path, keys: Keys) -> Iterator[Pair]:
    with gateway_pair(tmp_path, keys) as started:
        yield started


def _alpha(keys: Keys, *, signer: str = "alpha") -> As2Identity:
    issued = getattr(keys, signer)
    return As2Identity("alpha", issued.cert, issued.key)


def _message(
    keys: Keys,
    *,
    signer: str = "alpha",
    to: str = "beta",
    message_id: str | None = None,
    encryption: ContentEncryption = ContentEncryption.AES256_CBC,
) -> OutboundMessage:
    return build_message(
        PAYLOAD,
        sender=_alpha(keys, signer=signer),
        partner=As2Partner(to, keys.beta.cert, encryption=encryption),
        content_type="application/xml",
        filename="F-2026-001.xml",
        message_id=message_id,
    )


def _post(url: str, headers: object, body: bytes) -> httpx.Response:
    with httpx.Client(trust_env=False, timeout=30) as client:
        return client.post(url, headers=list(headers), content=body)  # type: ignore[call-overload]


def _mdn(keys: Keys, response: httpx.Response, message: OutboundMessage, *, signed: bool = True) -> MdnResult:
    assert response.status_code == 200, response.text
    beta = As2Partner("beta", keys.beta.cert, mdn_signed=signed)
    return read_mdn(
        list(response.headers.multi_items()),
        response.content,
        partner=beta,
        original_message_id=message.message_id,
        expected_mic=message.mic if signed else None,
    )


def _send(pair: Pair, keys: Keys, message: OutboundMessage, body: bytes | None = None, **kw: bool) -> MdnResult:
    response = _post(f"{pair.beta.url}/as2", message.headers, message.body if body is None else body)
    return _mdn(keys, response, message, **kw)


# -- accepted ------------------------------------------------------------------------------------------


def test_message_from_our_library_is_stored_and_answered_processed(pair: Pair, keys: Keys) -> None:
    message = _message(keys)
    mdn = _send(pair, keys, message)
    assert mdn.signed and mdn.disposition == Disposition.processed()
    [invoice] = pair.beta.invoices()
    assert pair.beta.original(invoice.id) == PAYLOAD
    assert invoice.original_name == "F-2026-001.xml"
    first = pair.beta.events(invoice.id)[0]
    assert (
        first.detail
        == f"F-2026-001.xml ({len(PAYLOAD)} bytes) from as2:alpha (partner alpha) Message-ID {message.message_id}"
    )


def _openssl(*args: str | Path) -> None:
    done = subprocess.run(["openssl", *map(str, args)], capture_output=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")


def test_message_built_by_openssl_is_accepted(pair: Pair, keys: Keys, tmp_path: Path) -> None:
    entity = b"Content-Type: application/xml\r\nContent-Transfer-Encoding: binary\r\n\r\n" + PAYLOAD
    (tmp_path / "entity").write_bytes(entity)
    alpha = keys.files("alpha")
    _openssl("cms", "-sign", "-binary", "-in", tmp_path / "entity", "-signer", alpha.cert, "-inkey", alpha.key,
             "-md", "sha256", "-out", tmp_path / "signed")  # fmt: skip
    signed = (tmp_path / "signed").read_bytes().replace(b"MIME-Version: 1.0\r\n", b"", 1)
    (tmp_path / "signed_entity").write_bytes(signed)
    _openssl("cms", "-encrypt", "-binary", "-aes-256-cbc", "-in", tmp_path / "signed_entity", "-outform", "DER",
             "-out", tmp_path / "env.der", "-recip", keys.files("beta").cert)  # fmt: skip
    headers = [
        ("AS2-From", "alpha"),
        ("AS2-To", "beta"),
        ("AS2-Version", "1.2"),
        ("Message-ID", "<openssl-1@alpha.example>"),
        ("Disposition-Notification-To", "alpha"),
        ("Disposition-Notification-Options", OPTIONS),
        ("Content-Type", "application/pkcs7-mime; smime-type=enveloped-data; name=smime.p7m"),
        ("Content-Transfer-Encoding", "binary"),
    ]  # fmt: skip
    response = _post(f"{pair.beta.url}/as2", headers, (tmp_path / "env.der").read_bytes())
    assert response.status_code == 200
    fake = OutboundMessage("<openssl-1@alpha.example>", (), b"", _openssl_mic(signed), "sync", True, True, False)  # type: ignore[arg-type]
    mdn = _mdn(keys, response, fake)
    assert mdn.disposition == Disposition.processed()
    [invoice] = pair.beta.invoices()
    assert pair.beta.original(invoice.id) == PAYLOAD


def _openssl_mic(signed: bytes) -> Mic:
    top = parse_entity(signed)
    first = split_multipart(top.body, top.content_type.param("boundary") or "")[0]
    return compute_mic(first, DigestAlgorithm.SHA256)


# -- refused, each with its disposition and its trace ------------------------------------------------------


def _refused(pair: Pair, mdn: MdnResult, description: str, code: str) -> None:
    assert (mdn.disposition.type, mdn.disposition.modifier, mdn.disposition.description) == (
        "processed",
        "error",
        description,
    )
    assert pair.beta.invoices() == []
    [row] = pair.beta.inbound()
    assert (row.status, row.error_code) == ("failed", code)
    assert row.disposition == f"processed/error: {description}"


def test_tampered_ciphertext_is_decryption_failed(pair: Pair, keys: Keys) -> None:
    # AES-GCM (AuthEnvelopedData): any flipped ciphertext bit fails the tag.
    message = _message(keys, encryption=ContentEncryption.AES256_GCM)
    body = bytearray(message.body)
    body[-40] ^= 0xFF
    mdn = _send(pair, keys, message, bytes(body))
    assert mdn.signed  # the partner is known: the failure receipt is signed too
    _refused(pair, mdn, "decryption-failed", "as2.decrypt")


def test_tampered_cbc_ciphertext_is_refused(pair: Pair, keys: Keys) -> None:
    # AES-CBC has no integrity: the tampered tail decrypts to garbage, which the MIME or signature check catches.
    message = _message(keys)
    body = bytearray(message.body)
    body[-40] ^= 0xFF
    mdn = _send(pair, keys, message, bytes(body))
    assert (mdn.disposition.modifier, pair.beta.invoices()) == ("error", [])
    assert [row.status for row in pair.beta.inbound()] == ["failed"]


def test_unknown_signing_key_is_authentication_failed(pair: Pair, keys: Keys) -> None:
    mdn = _send(pair, keys, _message(keys, signer="mallory"))
    _refused(pair, mdn, "authentication-failed", "as2.signature")


def test_unknown_as2_to_is_authentication_failed_with_an_unsigned_receipt(pair: Pair, keys: Keys) -> None:
    message = _message(keys, to="nobody")
    mdn = _send(pair, keys, message, signed=False)
    assert not mdn.signed  # no partner, no key to sign with
    _refused(pair, mdn, "authentication-failed", "as2.unknown-partner")
    assert pair.beta.inbound()[0].as2_to == "nobody"


def test_expired_partner_certificate_is_authentication_failed(pair: Pair, keys: Keys) -> None:
    expired = write_expired(keys, "alpha-old")
    channel = as2_channel(
        keys, "beta", "alpha", f"{pair.alpha.url}/as2", **{"partner-certificate-file": str(expired.cert)}
    )
    write_partner(pair.beta.home, "alpha", "552100554", channel)
    pair.beta.gateway.partners.reload()
    mdn = _send(pair, keys, _message(keys), signed=False)
    _refused(pair, mdn, "authentication-failed", "as2.partner-unusable")
    assert "is expired" in pair.beta.inbound()[0].detail


def test_duplicate_message_id_is_answered_duplicate_and_stored_once(pair: Pair, keys: Keys) -> None:
    message = _message(keys)
    assert _send(pair, keys, message).disposition == Disposition.processed()
    again = _send(pair, keys, message)
    assert again.disposition == Disposition.warning("duplicate-document")
    [invoice] = pair.beta.invoices()
    kinds = [e.kind for e in pair.beta.events(invoice.id)]
    assert kinds.count("as2-duplicate") == 1 and kinds.count("received") == 1
    [row] = pair.beta.inbound()
    assert (row.status, row.attempts, row.invoice_id) == ("processed", 2, invoice.id)


def test_failed_message_does_not_block_a_corrected_resend(pair: Pair, keys: Keys) -> None:
    bad = _message(keys, signer="mallory", message_id="<resend-1@alpha.example>")
    assert _send(pair, keys, bad).disposition.description == "authentication-failed"
    good = _message(keys, message_id="<resend-1@alpha.example>")
    assert _send(pair, keys, good).disposition == Disposition.processed()
    [invoice] = pair.beta.invoices()
    [row] = pair.beta.inbound()
    assert (row.status, row.attempts, row.invoice_id, row.error_code) == ("processed", 2, invoice.id, None)


# -- broken input: a clean answer, never a 500 ------------------------------------------------------------


def _raw(url: str, request: bytes, *, read: bool = True) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(request)
        if not read:
            return b""
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
        return b"".join(chunks)


@pytest.mark.parametrize(
    ("name", "headers", "body"),
    [
        ("empty body", [("Content-Type", "application/pkcs7-mime; smime-type=enveloped-data")], b""),
        ("multipart without boundary", [("Content-Type", "multipart/signed; protocol=x")], b"--x\r\n\r\nhello"),
        ("not DER", [("Content-Type", "application/pkcs7-mime; smime-type=enveloped-data")], b"\x30\x82garbage" * 50),
        ("garbage content type", [("Content-Type", "\x01\x02;;;=;")], b"a" * 100),
        ("no content type", [], b"plain"),
        ("AS2-From too long", [("AS2-From", "x" * 500), ("Content-Type", "text/plain")], b"x"),
        ("AS2-From quoted badly", [("AS2-From", '"alpha'), ("Content-Type", "text/plain")], b"x"),
    ],
)
def test_malformed_messages_get_a_failure_mdn(
    pair: Pair, keys: Keys, name: str, headers: list[tuple[str, str]], body: bytes
) -> None:
    base = [
        ("AS2-From", "alpha"),
        ("AS2-To", "beta"),
        ("Message-ID", f"<fuzz-{len(name)}@x>"),
        ("Disposition-Notification-To", "alpha"),
    ]
    names = {n.lower() for n, _ in headers}
    sent = [h for h in base if h[0].lower() not in names] + headers
    response = _post(f"{pair.beta.url}/as2", sent, body)
    assert response.status_code == 200, response.text
    assert b"processed/error: " in response.content  # an unsigned failure MDN (partner unknown or unusable input)
    assert pair.beta.invoices() == []
    assert [row.status for row in pair.beta.inbound()] == ["failed"]


def test_truncated_and_garbage_requests_never_break_the_endpoint(pair: Pair, keys: Keys) -> None:
    message = _message(keys)
    head = "".join(f"{n}: {v}\r\n" for n, v in message.headers).encode("latin-1")
    # Content-Length announces more than comes, then the client goes away.
    _raw(
        pair.beta.url,
        b"POST /as2 HTTP/1.1\r\nHost: x\r\n"
        + head
        + f"Content-Length: {len(message.body)}\r\n\r\n".encode()
        + message.body[:100],
        read=False,
    )
    # Header garbage: the HTTP layer answers 400 on its own.
    answer = _raw(pair.beta.url, b"POST /as2 HTTP/1.1\r\nHost: x\r\n\x00\x01bad header\r\n\r\n")
    assert answer.startswith(b"HTTP/1.1 400"), answer[:80]
    # A truncated chunked body (the last chunk never comes).
    answer = _raw(
        pair.beta.url,
        b"POST /as2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n" + head + b"\r\n10\r\n0123456789abcdef\r\n",
    )
    assert not answer.startswith(b"HTTP/1.1 500")
    # The endpoint still works.
    assert _send(pair, keys, message).disposition == Disposition.processed()
    assert len(pair.beta.invoices()) == 1


def test_a_100_mb_body_is_refused_while_streaming_with_bounded_memory(pair: Pair, keys: Keys) -> None:
    limit = 1024 * 1024
    with ApiServer(create_app(pair.beta.gateway, max_as2_bytes=limit)) as server:
        # Declared too large: refused before a byte of body is read.
        declared = _raw(
            server.url,
            b"POST /as2 HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n"
            b"Content-Type: application/pkcs7-mime\r\n\r\n",
        )
        assert declared.startswith(b"HTTP/1.1 413"), declared[:80]
        assert b'"format.too-large"' in declared
        # Chunked, 100 MB: refused once past the limit, while the client still sends.
        gc.collect()
        tracemalloc.start()
        try:
            status, sent = _stream_chunked(server.url, total=100 * 1024 * 1024, chunk=64 * 1024)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert status.startswith(b"HTTP/1.1 413"), status
    assert sent < 100 * 1024 * 1024, "the whole body was read before the answer"
    assert peak < 16 * limit, f"peak Python memory {peak / 1e6:.1f} MB while refusing a 100 MB body"
    assert pair.beta.invoices() == []


def _stream_chunked(url: str, *, total: int, chunk: int) -> tuple[bytes, int]:
    """Send ``total`` bytes chunked, stop at the first answer; return its status line and the bytes sent."""
    host, port = url.removeprefix("http://").split(":")
    piece = f"{chunk:x}\r\n".encode() + b"\xa5" * chunk + b"\r\n"
    sent = 0
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(
            b"POST /as2 HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
            b"Content-Type: application/pkcs7-mime\r\nAS2-From: alpha\r\nAS2-To: beta\r\n\r\n"
        )
        sock.setblocking(False)
        answer = b""
        deadline = time.monotonic() + 60
        while sent < total and time.monotonic() < deadline:
            try:
                answer += sock.recv(4096)
                if answer:
                    break
            except BlockingIOError:
                pass
            try:
                sock.send(piece)
                sent += chunk
            except BlockingIOError:
                time.sleep(0.001)
            except (BrokenPipeError, ConnectionResetError):
                break
        sock.setblocking(True)
        sock.settimeout(10)
        try:
            while b"\r\n" not in answer and (more := sock.recv(4096)):
                answer += more
        except (ConnectionResetError, TimeoutError):
            pass
    return answer.split(b"\r\n", 1)[0], sent


# -- asynchronous MDNs for our messages ------------------------------------------------------------------------


def test_async_mdn_endpoint_files_genuine_mdns_and_refuses_forged_ones(pair: Pair, keys: Keys) -> None:
    alpha_engine = pair.alpha.gateway.engine
    channel = as2_channel(keys, "alpha", "beta", "", mdn="async", **{"mdn-url": f"{pair.alpha.url}/as2/mdn"})
    sent = []
    with ScriptedPeer(keys) as peer:
        channel["url"] = f"{peer.url}/empty"  # takes the message, answers 200 with no body
        del channel["type"]
        tracking = StoreTracking(alpha_engine, "beta/as2", As2Record, clock=lambda: dt.datetime.now(dt.UTC))
        with As2Transport.from_config(channel, where="test", base=keys.dir, tracking=tracking) as transport:
            for n in range(2):
                envelope = Envelope(f"{n:032x}", str(n), "inv", "beta", "x.xml", PAYLOAD, "application/xml", "cii")
                result = transport.send(envelope)
                assert result.outcome is Outcome.DELIVERED and result.awaits_ack
                sent.append(result)
    with Session(alpha_engine) as session:
        records = {r.message_id: r.state for r in session.scalars(select(TrackingRow))}
    assert set(records) == {f"{0:032x}", f"{1:032x}"}

    def mdn_for(n: int, *, signer: str, mic: Mic | None = None) -> tuple[tuple[tuple[str, str], ...], bytes]:
        record = records[f"{n:032x}"]
        issued = getattr(keys, signer)
        built = build_mdn(
            original_message_id=record["as2_message_id"],
            reporter="beta",
            recipient="alpha",
            disposition=Disposition.processed(),
            mic=mic if mic is not None else parse_mic(record["mic"]),
            signer=As2Identity("beta", issued.cert, issued.key),
        )
        return built.headers, built.body

    forged = _post(f"{pair.alpha.url}/as2/mdn", *mdn_for(0, signer="mallory"))
    assert forged.status_code == 403 and forged.json()["error"]["code"] == "as2.signature"
    genuine = _post(f"{pair.alpha.url}/as2/mdn", *mdn_for(0, signer="beta"))
    assert genuine.status_code == 200
    # A genuine MDN with another MIC, posted to /as2 (partners with one URL for everything).
    wrong = _post(f"{pair.alpha.url}/as2", *mdn_for(1, signer="beta", mic=Mic(bytes(32), DigestAlgorithm.SHA256)))
    assert wrong.status_code == 200
    with Session(alpha_engine) as session:
        filed = {
            r.message_id: r.state for r in session.scalars(select(TrackingRow)) if r.state["kind"] == "mdn-received"
        }
    assert {k: v["ack_status"] for k, v in filed.items()} == {f"mdn:{0:032x}": "accepted", f"mdn:{1:032x}": "rejected"}
    assert "no proof of receipt" in filed[f"mdn:{1:032x}"]["ack_detail"]
    with Session(pair.alpha.gateway.engine) as session:
        assert session.scalars(select(EventRow)).first() is None  # filed only: the worker's poll makes the events
