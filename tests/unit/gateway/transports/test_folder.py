"""The folder channel against the real file system: atomic delivery, ack files, watched-folder intake."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from gateway.errors import TransientTransportError
from gateway.transports import Envelope, InboundFile, Intake, Outcome, Transport
from gateway.transports.folder import FolderIntake, FolderIntakeConfig, FolderTransport

MESSAGE_ID = "0b6f1c52-8d1e-4a43-9d59-3f1f7c1e2a10"


def envelope(message_id: str = MESSAGE_ID, *, content: bytes = b"<Invoice/>", filename: str = "F1.xml") -> Envelope:
    return Envelope(
        message_id=message_id,
        delivery_id="d1",
        invoice_id="i1",
        partner_id="acme",
        filename=filename,
        content=content,
        media_type="application/xml",
        format="ubl",
    )


def transport(tmp_path: Path, **extra: object) -> FolderTransport:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    return FolderTransport.from_config({"path": "out", **extra}, where="partners/acme.yaml: channels[0]", base=tmp_path)


def test_send_writes_final_name_only(tmp_path: Path) -> None:
    with transport(tmp_path) as t:
        assert isinstance(t, Transport)
        result = t.send(envelope(content=b"x" * 3000))
    assert result.outcome is Outcome.DELIVERED
    assert result.retry_feasible is False
    assert [p.name for p in result.phases] == ["write", "rename"]
    assert os.listdir(tmp_path / "out") == [f"{MESSAGE_ID}_F1.xml"]
    assert (tmp_path / "out" / f"{MESSAGE_ID}_F1.xml").read_bytes() == b"x" * 3000
    assert result.remote_ref == str(tmp_path / "out" / f"{MESSAGE_ID}_F1.xml")
    assert result.awaits_ack is False


def test_unsafe_filename_stays_in_directory(tmp_path: Path) -> None:
    result = transport(tmp_path).send(envelope(filename="../F2024/001.xml"))
    assert result.outcome is Outcome.DELIVERED
    assert os.listdir(tmp_path / "out") == [f"{MESSAGE_ID}_.._F2024_001.xml"]


def test_resend_replaces_same_message_file(tmp_path: Path) -> None:
    t = transport(tmp_path)
    t.send(envelope(content=b"first"))
    t.send(envelope(content=b"second"))
    t.send(envelope("other-id", content=b"third"))
    assert sorted(os.listdir(tmp_path / "out")) == [f"{MESSAGE_ID}_F1.xml", "other-id_F1.xml"]
    assert (tmp_path / "out" / f"{MESSAGE_ID}_F1.xml").read_bytes() == b"second"


def test_file_name_template(tmp_path: Path) -> None:
    t = transport(tmp_path, **{"file-name": "{partner_id}-{invoice_id}-{message_id}.{format}"})
    t.send(envelope())
    assert os.listdir(tmp_path / "out") == [f"acme-i1-{MESSAGE_ID}.ubl"]


def test_missing_directory_is_transient(tmp_path: Path) -> None:
    t = FolderTransport.from_config({"path": "nowhere"}, where="w", base=tmp_path)
    result = t.send(envelope())
    assert result.outcome is Outcome.TRANSIENT_ERROR
    assert result.retry_feasible is True
    assert "nowhere" in result.detail
    assert result.phases[-1].name == "failed"


def test_path_is_a_file_is_permanent(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x")
    t = FolderTransport.from_config({"path": "file"}, where="w", base=tmp_path)
    result = t.send(envelope())
    assert result.outcome is Outcome.PERMANENT_ERROR
    assert result.retry_feasible is False


def test_concurrent_reader_never_sees_partial_file(tmp_path: Path) -> None:
    t = transport(tmp_path)
    payload = b"<Invoice>" + b"x" * 2_000_000 + b"</Invoice>"
    seen: list[int] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            for name in os.listdir(tmp_path / "out"):
                if not name.endswith(".part"):
                    seen.append(len((tmp_path / "out" / name).read_bytes()))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for i in range(5):
            t.send(envelope(f"m{i}", content=payload))
    finally:
        stop.set()
        watcher.join()
    assert seen, "the watcher never saw a file"
    assert set(seen) == {len(payload)}


# --- acknowledgement files -------------------------------------------------------------------------


def ack_transport(tmp_path: Path, **extra: object) -> tuple[FolderTransport, Path]:
    acks = tmp_path / "acks"
    acks.mkdir()
    return transport(tmp_path, **{"ack-dir": "acks", **extra}), acks


def test_ack_files_become_acks_and_are_archived(tmp_path: Path) -> None:
    t, acks = ack_transport(tmp_path)
    assert t.send(envelope()).awaits_ack is True
    (acks / f"{MESSAGE_ID}_F1.xml.ack").write_bytes(b"ACCEPTED all good\n")
    contrl = (
        b"UNA:+.? 'UNB+UNOC:3+BUYER+SELLER+240101:1200+5'UNH+1+CONTRL:D:3:UN'UCI+42+SELLER+BUYER+7'UNT+3+1'UNZ+1+5'"
    )
    (acks / "m2.CONTRL").write_bytes(contrl)
    (acks / "m3.ack.part").write_bytes(b"being written")
    got = list(t.poll_acks())
    assert [(a.message_id, a.kind, a.status) for a in got] == [
        (MESSAGE_ID, "folder-ack-file", "accepted"),
        ("m2", "edifact-contrl", "accepted"),
    ]
    assert got[1].raw == contrl
    assert got[0].at is not None
    assert sorted(os.listdir(acks)) == ["archive", "m3.ack.part"]
    assert sorted(os.listdir(acks / "archive")) == [f"{MESSAGE_ID}_F1.xml.ack", "m2.CONTRL"]
    assert list(t.poll_acks()) == []


def test_ack_not_archived_until_consumer_moves_on(tmp_path: Path) -> None:
    t, acks = ack_transport(tmp_path)
    (acks / "m1.ack").write_bytes(b"REJECTED: bad VAT\n")
    (acks / "m2.ack").write_bytes(b"something\n")
    polling = iter(t.poll_acks())
    first = next(polling)
    assert (first.message_id, first.status, first.detail) == ("m1", "rejected", "m1.ack: REJECTED: bad VAT")
    assert (acks / "m1.ack").exists(), "archived before the consumer stored it"
    del polling  # the consumer stops (e.g. its store failed): the generator closes
    again = [a.message_id for a in t.poll_acks()]
    assert again == ["m1", "m2"]
    assert sorted(os.listdir(acks / "archive")) == ["m1.ack", "m2.ack"]


def test_ack_without_message_id_stays(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    t, acks = ack_transport(tmp_path, **{"ack-name": r"^ACK_(?P<message_id>[0-9]+)\.txt$"})
    (acks / "ACK_42.txt").write_bytes(b"OK")
    (acks / "random.txt").write_bytes(b"OK")
    assert [a.message_id for a in t.poll_acks()] == ["42"]
    assert (acks / "random.txt").exists()
    assert "names no message id" in caplog.text


def test_ack_delete_and_archive_name_clash(tmp_path: Path) -> None:
    t, acks = ack_transport(tmp_path)
    for _ in range(2):
        (acks / "m1.ack").write_bytes(b"OK")
        assert len(list(t.poll_acks())) == 1
    assert len(os.listdir(acks / "archive")) == 2, "a second ack of the same name must not erase the first"
    deleting, acks2 = transport(tmp_path, **{"ack-dir": "acks2", "ack-after-read": "delete"}), tmp_path / "acks2"
    acks2.mkdir()
    (acks2 / "m1.ack").write_bytes(b"OK")
    assert len(list(deleting.poll_acks())) == 1
    assert os.listdir(acks2) == []


# --- intake ------------------------------------------------------------------------------------------


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def intake(tmp_path: Path, clock: Clock, **extra: object) -> FolderIntake:
    (tmp_path / "in").mkdir(exist_ok=True)
    config = FolderIntakeConfig.from_config({"path": "in", **extra}, where="w", base=tmp_path)
    return FolderIntake(config, partner_id="acme", clock=clock)


def write(path: Path, content: bytes, mtime: float) -> None:
    path.write_bytes(content)
    os.utime(path, (mtime, mtime))


def test_intake_waits_for_a_stable_file(tmp_path: Path) -> None:
    clock = Clock(1_000_000.0)
    watched = intake(tmp_path, clock, **{"settle-seconds": 60})
    assert isinstance(watched, Intake)
    write(tmp_path / "in" / "a.xml", b"<a", clock.now)
    assert list(watched.poll()) == [], "a file seen once and just modified is not stable"
    write(tmp_path / "in" / "a.xml", b"<a/>", clock.now + 1)
    clock.now += 2
    assert list(watched.poll()) == [], "it grew since the last poll"
    got = list(watched.poll())
    assert [(f.name, f.content, f.channel, f.partner_id) for f in got] == [("a.xml", b"<a/>", "folder", "acme")]
    assert got[0].source == str(tmp_path / "in" / "a.xml")


def test_intake_takes_an_old_file_at_once(tmp_path: Path) -> None:
    clock = Clock(1_000_000.0)
    watched = intake(tmp_path, clock, **{"settle-seconds": 60})
    write(tmp_path / "in" / "old.xml", b"<old/>", clock.now - 61)
    assert [f.name for f in watched.poll()] == ["old.xml"]


def test_intake_ignores_temp_hidden_unmatched_and_dirs(tmp_path: Path) -> None:
    clock = Clock(1_000_000.0)
    watched = intake(tmp_path, clock, pattern="*.xml", **{"settle-seconds": 1})
    for name in ("a.xml.part", ".hidden.xml", "b.txt", "c.xml.tmp", "d.xml"):
        write(tmp_path / "in" / name, b"x", clock.now - 10)
    (tmp_path / "in" / "sub.xml").mkdir()
    assert [f.name for f in watched.poll()] == ["d.xml"]


def test_intake_confirm_only_after_commit(tmp_path: Path) -> None:
    clock = Clock(1_000_000.0)
    watched = intake(tmp_path, clock, **{"settle-seconds": 1})
    write(tmp_path / "in" / "a.xml", b"<a/>", clock.now - 10)
    first = list(watched.poll())
    assert [f.name for f in first] == ["a.xml"]
    assert [f.name for f in watched.poll()] == ["a.xml"], "not confirmed: yielded again"
    watched.confirm(first[0])
    assert list(watched.poll()) == []
    assert os.listdir(tmp_path / "in" / "archive") == ["a.xml"]
    assert sorted(os.listdir(tmp_path / "in")) == ["archive"]


def test_intake_confirm_leaves_a_changed_file(tmp_path: Path) -> None:
    clock = Clock(1_000_000.0)
    watched = intake(tmp_path, clock, **{"settle-seconds": 1})
    write(tmp_path / "in" / "a.xml", b"<a/>", clock.now - 10)
    (item,) = watched.poll()
    write(tmp_path / "in" / "a.xml", b"<a>v2</a>", clock.now - 5)
    watched.confirm(item)
    assert (tmp_path / "in" / "a.xml").read_bytes() == b"<a>v2</a>"
    assert [f.content for f in watched.poll()] == [b"<a>v2</a>"]


def test_intake_delete_after_confirm_and_fresh_instance(tmp_path: Path) -> None:
    clock = Clock(1_000_000.0)
    watched = intake(tmp_path, clock, **{"settle-seconds": 1, "after-confirm": "delete"})
    write(tmp_path / "in" / "a.xml", b"<a/>", clock.now - 10)
    (item,) = watched.poll()
    # A restarted engine confirms with a new intake object: the size check stands in for the snapshot.
    other = intake(tmp_path, clock, **{"settle-seconds": 1, "after-confirm": "delete"})
    other.confirm(InboundFile(item.name, item.content, item.source, "folder"))
    assert os.listdir(tmp_path / "in") == []


def test_intake_missing_directory_is_transient(tmp_path: Path) -> None:
    watched = FolderIntake(FolderIntakeConfig(tmp_path / "gone"))
    with pytest.raises(TransientTransportError, match="gone"):
        list(watched.poll())
