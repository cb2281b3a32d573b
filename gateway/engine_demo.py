"""The gateway end to end on the embedded default: SQLite, a local SFTP partner, the samples.

What :func:`run_engine_demo` does, in order:

1. creates a fresh data directory with a SQLite database (``gateway.yaml``
   asks for the validation layers whose official artefacts are installed);
2. starts the local peer the demo partner needs: OpenSSH's ``sshd`` on a free
   loopback port, speaking only SFTP;
3. writes the demo partner profile (the samples' buyer, receiving UBL over
   SFTP, with an acknowledgement directory);
4. feeds the samples: UBL, CII, and a Factur-X PDF made from the CII one;
5. runs a worker until everything is delivered; the demo then plays the
   partner and drops an ``ACCEPTED`` acknowledgement file for each delivery,
   which the worker picks up;
6. returns each invoice's timeline, from received to acknowledged.
"""

from __future__ import annotations

import dataclasses
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from formats.reading import read_invoice
from formats.rendering import render_invoice
from gateway.app import Gateway
from gateway.peers.sshd import SshdServer
from gateway.store.models import DeliveryRow, InvoiceRow
from gateway.timeline import timeline_lines

__all__ = ["run_engine_demo"]

PARTNER = """\
# The samples' buyer: receives UBL over SFTP and answers with acknowledgement files.
name: Transports Lumière SARL
segment: key-account
identifiers:
  siren: "812345676"
receives:
  formats: [ubl]
channels:
  - type: sftp
    name: lumiere-sftp
    host: 127.0.0.1
    port: {port}
    username: {username}
    host-key: "{host_key}"
    key-file: {key_file}
    remote-dir: {remote_dir}
    ack-dir: {ack_dir}
retry: {{max-attempts: 5, initial-delay: 1, max-delay: 10}}
"""


def run_engine_demo(
    samples: Path, home: Path, layers: tuple[str, ...], say: Callable[[str], None], *, timeout: float = 120.0
) -> list[str]:
    """Run the demo in ``home`` (emptied first) and return the final status of each invoice."""
    home = home.resolve()  # sshd wants absolute paths in its configuration
    if home.exists():
        shutil.rmtree(home)
    home.mkdir(parents=True)
    (home / "gateway.yaml").write_text(
        f"validation: {{layers: [{', '.join(layers)}]}}\nlease-seconds: 30\n", encoding="utf-8"
    )
    peer = SshdServer(home / "sftp-partner")
    peer.start()
    try:
        inbox, acks = peer.new_dir("inbox"), peer.new_dir("acks")
        say(f"started the SFTP partner: OpenSSH sshd on 127.0.0.1:{peer.port}")
        partners = home / "partners"
        partners.mkdir()
        (partners / "lumiere.yaml").write_text(
            PARTNER.format(
                port=peer.port,
                username=peer.username,
                host_key=peer.host_key_line,
                key_file=peer.client_key,
                remote_dir=inbox,
                ack_dir=acks,
            ),
            encoding="utf-8",
        )
        gateway = Gateway.at(home)
        say(f"data directory {home}/ (SQLite), partner profile partners/lumiere.yaml, layers: {', '.join(layers)}")
        documents = _documents(samples)
        ids = []
        for name, content in documents:
            submitted = gateway.submit(content, filename=name, source="demo")
            ids.append(submitted.invoice_id)
            say(f"submitted {name:<28} → invoice {submitted.invoice_id}")
        worker = gateway.worker("demo-worker", ack_interval=0.2)
        stop = threading.Event()
        thread = threading.Thread(target=worker.run, args=(stop,), daemon=True)
        thread.start()
        try:
            _wait(gateway, ids, ("sent", "quarantined", "failed"), timeout)
            _acknowledge(gateway, peer.home / inbox, peer.home / acks, say)
            _wait(gateway, ids, ("acknowledged", "quarantined", "failed", "rejected"), timeout)
        finally:
            stop.set()
            thread.join(timeout=10)
        statuses = []
        with Session(gateway.engine) as session:
            for invoice_id in ids:
                say("")
                for line in timeline_lines(session, invoice_id):
                    say(line)
                row = session.get(InvoiceRow, invoice_id)
                assert row is not None
                statuses.append(row.status)
        gateway.close()
        return statuses
    finally:
        peer.close()


def _documents(samples: Path) -> list[tuple[str, bytes]]:
    documents = [(path.name, path.read_bytes()) for path in sorted(samples.glob("*.xml"))]
    cii = samples / "afr-invoice-cii.xml"
    if cii.is_file():
        invoice = read_invoice(cii.read_bytes()).invoice
        invoice = dataclasses.replace(invoice, number=f"{invoice.number}-PDF")
        documents.append(("afr-invoice-facturx.pdf", render_invoice(invoice, "facturx").data))
    return documents


def _wait(gateway: Gateway, ids: list[str], done: tuple[str, ...], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(gateway.engine) as session:
            states = session.scalars(select(InvoiceRow.status).where(InvoiceRow.id.in_(ids))).all()
        if all(state in done for state in states):
            return
        time.sleep(0.1)


def _acknowledge(gateway: Gateway, inbox: Path, acks: Path, say: Callable[[str], None]) -> None:
    """Play the partner: accept every file that arrived, as its own system would."""
    with Session(gateway.engine) as session:
        message_ids = session.scalars(select(DeliveryRow.message_id).where(DeliveryRow.status == "sent")).all()
    for message_id in message_ids:
        arrived = [path.name for path in inbox.iterdir() if path.name.startswith(message_id)]
        if arrived:
            (acks / f"{message_id}.ack").write_text(f"ACCEPTED {arrived[0]}\n", encoding="utf-8")
    say(f"the partner picked up {len(message_ids)} file(s) and answered ACCEPTED for each")
