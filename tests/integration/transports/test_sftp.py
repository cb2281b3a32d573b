"""The SFTP channel against a real OpenSSH sshd on 127.0.0.1 (tests/support/sshd.py).

The server's SFTP home is a local directory, so the tests look at what the
partner sees straight on the file system.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from gateway.errors import PermanentTransportError, TransientTransportError
from gateway.transports import Envelope, InboundFile, Outcome
from gateway.transports.sftp import SftpTransport
from gateway.transports.sftp_intake import SftpIntake
from tests.support.sshd import SshdServer, generate_ed25519

WHERE = "partners/acme.yaml: channels[0]"
THREE_KB = b"<Invoice>" + b"x" * 3000 + b"</Invoice>"


def envelope(message_id: str = "m1", content: bytes = THREE_KB) -> Envelope:
    return Envelope(message_id, "d1", "i1", "acme", "F2024/001.xml", content, "application/xml", "ubl")


def build(sshd: SshdServer, remote_dir: str, **extra: object) -> SftpTransport:
    return SftpTransport.from_config(sshd.channel_params(remote_dir, **extra), where=WHERE, base=Path("/"))


@pytest.fixture
def remote(sshd: SshdServer) -> str:
    return sshd.new_dir("out")


def test_upload_is_atomic_and_leaves_no_part(sshd: SshdServer, remote: str) -> None:
    local = sshd.home / remote
    big = b"<Invoice>" + os.urandom(1_500_000) + b"</Invoice>"
    seen: list[tuple[str, int]] = []
    stop = threading.Event()

    def watch() -> None:
        # What a partner polling its directory would pick up: any name not ending in .part.
        while not stop.is_set():
            for name in os.listdir(local):
                if not name.endswith(".part"):
                    seen.append((name, len((local / name).read_bytes())))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        with build(sshd, remote) as t:
            results = [t.send(envelope(f"m{i}", big)) for i in range(3)]
    finally:
        stop.set()
        watcher.join()
    assert [r.outcome for r in results] == [Outcome.DELIVERED] * 3
    assert [p.name for p in results[0].phases] == ["connect", "upload", "verify", "rename"]
    assert [p.name for p in results[1].phases] == ["upload", "verify", "rename"], "second send reuses the connection"
    assert results[0].remote_ref == f"{remote}/m0_F2024_001.xml"
    assert sorted(os.listdir(local)) == ["m0_F2024_001.xml", "m1_F2024_001.xml", "m2_F2024_001.xml"]
    assert (local / "m2_F2024_001.xml").read_bytes() == big
    assert seen, "the watcher never saw a file"
    assert {size for _, size in seen} == {len(big)}, "a partial file was visible under its final name"


def test_resend_replaces_the_earlier_attempt(sshd: SshdServer, remote: str) -> None:
    with build(sshd, remote) as t:
        assert t.send(envelope(content=b"first")).outcome is Outcome.DELIVERED
        assert t.send(envelope(content=b"second")).outcome is Outcome.DELIVERED
    assert (sshd.home / remote / "m1_F2024_001.xml").read_bytes() == b"second"


def test_plain_rename_mode(sshd: SshdServer, remote: str) -> None:
    with build(sshd, remote, rename="rename") as t:
        assert t.send(envelope(content=b"first")).outcome is Outcome.DELIVERED
        assert t.send(envelope(content=b"second")).outcome is Outcome.DELIVERED
    assert os.listdir(sshd.home / remote) == ["m1_F2024_001.xml"]
    assert (sshd.home / remote / "m1_F2024_001.xml").read_bytes() == b"second"


def test_two_hundred_sends_over_one_connection(sshd: SshdServer, remote: str) -> None:
    with build(sshd, remote) as t:
        results = [t.send(envelope(f"msg-{i:03d}")) for i in range(200)]
        assert t.session.connections == 1
    assert all(r.outcome is Outcome.DELIVERED for r in results)
    files = os.listdir(sshd.home / remote)
    assert len(files) == 200
    assert not [f for f in files if f.endswith(".part")]


def test_known_hosts_file(sshd: SshdServer, remote: str, tmp_path: Path) -> None:
    (tmp_path / "known_hosts").write_text(f"[127.0.0.1]:{sshd.port} {sshd.host_key_line}\n")
    params = sshd.channel_params(remote, **{"known-hosts-file": "known_hosts"})
    del params["host-key"]
    with SftpTransport.from_config(params, where=WHERE, base=tmp_path) as t:
        assert t.send(envelope()).outcome is Outcome.DELIVERED


def test_host_key_mismatch_is_permanent(sshd: SshdServer, remote: str, tmp_path: Path) -> None:
    other = generate_ed25519(tmp_path / "impostor")
    with build(sshd, remote, **{"host-key": other}) as t:
        result = t.send(envelope())
    assert result.outcome is Outcome.PERMANENT_ERROR
    assert result.retry_feasible is False
    assert "host key mismatch" in result.detail
    assert result.detail.count("SHA256:") == 2
    assert os.listdir(sshd.home / remote) == []


def test_wrong_client_key_is_permanent(sshd: SshdServer, remote: str, tmp_path: Path) -> None:
    generate_ed25519(tmp_path / "stranger")
    with build(sshd, remote, **{"key-file": str(tmp_path / "stranger")}) as t:
        result = t.send(envelope())
    assert result.outcome is Outcome.PERMANENT_ERROR
    assert "authentication failed" in result.detail


def test_password_refused_by_server_is_permanent(
    sshd: SshdServer, remote: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIGUILLAGE_TEST_SFTP_PW", "not-the-password")
    params = sshd.channel_params(remote, **{"password-env": "AIGUILLAGE_TEST_SFTP_PW"})
    del params["key-file"]
    with SftpTransport.from_config(params, where=WHERE, base=Path("/")) as t:
        result = t.send(envelope())
    assert result.outcome is Outcome.PERMANENT_ERROR
    assert "not allowed" in result.detail  # sshd offers publickey only
    assert "not-the-password" not in result.detail


def test_missing_remote_directory_is_permanent(sshd: SshdServer) -> None:
    with build(sshd, "no/such/dir") as t:
        result = t.send(envelope())
    assert result.outcome is Outcome.PERMANENT_ERROR
    assert "no/such/dir" in result.detail


def test_nothing_listening_is_transient(sshd: SshdServer, remote: str) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    with build(sshd, remote, port=free_port) as t:
        result = t.send(envelope())
    assert result.outcome is Outcome.TRANSIENT_ERROR
    assert result.retry_feasible is True
    assert "connection refused" in result.detail.lower()


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A TCP peer that accepts and never speaks: a hung partner."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=serve)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    listener.close()


def test_silent_peer_times_out_transiently(sshd: SshdServer, remote: str, silent_server: int) -> None:
    started = time.monotonic()
    with build(sshd, remote, port=silent_server, **{"connect-timeout": 1}) as t:
        result = t.send(envelope())
    assert result.outcome is Outcome.TRANSIENT_ERROR
    assert time.monotonic() - started < 5
    assert "banner" in result.detail


def test_partner_down_then_back(sshd_factory: Callable[[], SshdServer]) -> None:
    server = sshd_factory()
    remote = server.new_dir("out")
    with build(server, remote) as t:
        assert t.send(envelope("before")).outcome is Outcome.DELIVERED
        server.stop()
        down = t.send(envelope("during"))
        assert down.outcome is Outcome.TRANSIENT_ERROR
        assert down.retry_feasible is True
        server.start()
        back = t.send(envelope("during"))
        assert back.outcome is Outcome.DELIVERED
        assert back.phases[0].name == "connect"
        server.restart()  # a restart between two sends: the stale connection is replaced silently
        assert t.send(envelope("after")).outcome is Outcome.DELIVERED
        assert t.session.connections == 3
    assert sorted(os.listdir(server.home / remote)) == [
        "after_F2024_001.xml",
        "before_F2024_001.xml",
        "during_F2024_001.xml",
    ]


# --- acknowledgement files ----------------------------------------------------------------------------


def test_ack_files_become_acks_and_are_archived(sshd: SshdServer, remote: str) -> None:
    acks = sshd.new_dir("acks")
    local = sshd.home / acks
    contrl = b"UNB+UNOC:3+BUYER+SELLER+240101:1200+7'UNH+1+CONTRL:D:3:UN'UCI+42+SELLER+BUYER+4'UNT+3+1'UNZ+1+7'"
    with build(sshd, remote, **{"ack-dir": acks}) as t:
        result = t.send(envelope("3f2c9a10-aaaa-4bbb-8ccc-123456789abc"))
        assert result.awaits_ack is True
        (local / "3f2c9a10-aaaa-4bbb-8ccc-123456789abc_F2024_001.xml.ack").write_bytes(b"REJECTED: duplicate\n")
        (local / "m2.CONTRL").write_bytes(contrl)
        (local / "m3.ack.part").write_bytes(b"still uploading")
        (local / "noise").write_bytes(b"?")
        got = list(t.poll_acks())
        assert [(a.message_id, a.kind, a.status) for a in got] == [
            ("3f2c9a10-aaaa-4bbb-8ccc-123456789abc", "sftp-ack-file", "rejected"),
            ("m2", "edifact-contrl", "rejected"),
        ]
        assert got[1].raw == contrl
        assert sorted(os.listdir(local)) == ["archive", "m3.ack.part", "noise"]
        assert sorted(os.listdir(local / "archive")) == [
            "3f2c9a10-aaaa-4bbb-8ccc-123456789abc_F2024_001.xml.ack",
            "m2.CONTRL",
        ]
        assert list(t.poll_acks()) == []


def test_ack_stays_until_consumer_moves_on(sshd: SshdServer, remote: str) -> None:
    acks = sshd.new_dir("acks")
    (sshd.home / acks / "m1.ack").write_bytes(b"OK")
    with build(sshd, remote, **{"ack-dir": acks, "ack-after-read": "delete"}) as t:
        polling = iter(t.poll_acks())
        assert next(polling).message_id == "m1"
        assert (sshd.home / acks / "m1.ack").exists()
        del polling
        assert [a.status for a in t.poll_acks()] == ["accepted"]
    assert os.listdir(sshd.home / acks) == []


# --- intake -------------------------------------------------------------------------------------------


def intake(sshd: SshdServer, remote: str, **extra: object) -> SftpIntake:
    return SftpIntake.from_config(sshd.channel_params(remote, **extra), where=WHERE, base=Path("/"), partner_id="acme")


def test_intake_stability_and_confirm_after_commit(sshd: SshdServer) -> None:
    inbox = sshd.new_dir("inbox")
    local = sshd.home / inbox
    (local / "a.xml").write_bytes(b"<a")
    (local / "b.xml.part").write_bytes(b"<b/>")
    (local / "c.txt").write_bytes(b"c")
    watched = intake(sshd, inbox, pattern="*.xml")
    try:
        assert list(watched.poll()) == [], "first sight: not yet known to be stable"
        with (local / "a.xml").open("ab") as f:
            f.write(b"/>")
        os.utime(local / "a.xml", (time.time() + 5, time.time() + 5))
        assert list(watched.poll()) == [], "it changed between polls"
        first = list(watched.poll())
        assert [(f.name, f.content, f.partner_id, f.channel) for f in first] == [("a.xml", b"<a/>", "acme", "sftp")]
        assert first[0].source.startswith("sftp://") and first[0].source.endswith(f"{inbox}/a.xml")
        assert [f.name for f in watched.poll()] == ["a.xml"], "not confirmed: yielded again"
        watched.confirm(first[0])
        assert list(watched.poll()) == []
        assert sorted(os.listdir(local)) == ["archive", "b.xml.part", "c.txt"]
        assert os.listdir(local / "archive") == ["a.xml"]
        # The partner sends a file of the same name again: both versions are archived.
        (local / "a.xml").write_bytes(b"<a>2</a>")
        assert list(watched.poll()) == []
        (again,) = watched.poll()
        watched.confirm(again)
        assert len(os.listdir(local / "archive")) == 2
    finally:
        watched.close()


def test_intake_confirm_keeps_a_file_replaced_after_reading(sshd: SshdServer) -> None:
    inbox = sshd.new_dir("inbox")
    local = sshd.home / inbox
    (local / "a.xml").write_bytes(b"<a/>")
    watched = intake(sshd, inbox, **{"after-confirm": "delete"})
    try:
        watched.poll()
        (item,) = watched.poll()
        (local / "a.xml").write_bytes(b"<a>version 2</a>")
        watched.confirm(item)
        assert (local / "a.xml").read_bytes() == b"<a>version 2</a>"
        watched.confirm(InboundFile("gone.xml", b"", "x", "sftp"))  # already gone: nothing to do
    finally:
        watched.close()


def test_intake_errors_are_ours(sshd: SshdServer, tmp_path: Path) -> None:
    watched = intake(sshd, "missing-dir")
    with pytest.raises(PermanentTransportError, match="missing-dir"):
        watched.poll()
    watched.close()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        free_port = probe.getsockname()[1]
    unreachable = intake(sshd, "x", port=free_port)
    with pytest.raises(TransientTransportError):
        unreachable.poll()
    unreachable.close()
