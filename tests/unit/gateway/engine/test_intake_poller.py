"""Watched-folder intake through the workers: leased per channel, confirmed only after the store commit."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from gateway.app import Gateway
from gateway.config import GatewayConfig
from gateway.store.claims import hold_lease
from gateway.store.models import InvoiceRow
from tests.unit.gateway.engine.conftest import write_partner

SAMPLES = Path(__file__).resolve().parents[4] / "samples"


def test_a_watched_folder_feeds_the_pipeline(tmp_path: Path, database_url: str) -> None:
    home, out, inbox = tmp_path / "home", tmp_path / "out", tmp_path / "home" / "inbox"
    out.mkdir()
    inbox.mkdir(parents=True)
    write_partner(home, out)
    (home / "gateway.yaml").write_text(
        f"database-url: {database_url}\nvalidation: {{layers: [xsd]}}\n"
        "intake:\n  - type: folder\n    name: inbox\n    path: inbox\n    settle-seconds: 1\n",
        encoding="utf-8",
    )
    gateway = Gateway(GatewayConfig.load(home))
    (inbox / "a.xml").write_bytes((SAMPLES / "afr-invoice-ubl.xml").read_bytes())
    os.utime(inbox / "a.xml", (1, 1))  # written long ago: settled
    (inbox / "b.xml.part").write_bytes(b"still being written")
    first, second = gateway.worker("w1"), gateway.worker("w2")
    assert first.run_once().taken == 1
    assert second.run_once().taken == 0  # the channel is w1's while its lease runs
    assert not (inbox / "a.xml").exists() and (inbox / "archive" / "a.xml").exists()
    assert (inbox / "b.xml.part").exists()  # temporary names are never taken
    first.run_once()
    with Session(gateway.engine) as session:
        assert session.scalar(select(func.count()).select_from(InvoiceRow)) == 1
        assert session.scalars(select(InvoiceRow.status)).one() == "sent"
    assert len(list(out.iterdir())) == 1
    gateway.close()


def test_a_named_lease_is_exclusive_until_it_expires(tmp_path: Path, database_url: str) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "gateway.yaml").write_text(f"database-url: {database_url}\n", encoding="utf-8")
    gateway = Gateway(GatewayConfig.load(home))
    now = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    minute = dt.timedelta(seconds=60)
    assert hold_lease(gateway.engine, "x", owner="a", now=now, duration=minute)
    assert not hold_lease(gateway.engine, "x", owner="b", now=now + dt.timedelta(seconds=30), duration=minute)
    assert hold_lease(gateway.engine, "x", owner="a", now=now + dt.timedelta(seconds=30), duration=minute)  # renewal
    assert hold_lease(gateway.engine, "x", owner="b", now=now + dt.timedelta(seconds=91), duration=minute)
    gateway.close()
