"""The gateway end to end on the embedded default: SQLite, a local SFTP partner, the samples.

What :func:`run_engine_demo` does, in order:

1. creates a fresh data directory with a SQLite database (``gateway.yaml``
   asks for the validation layers whose official artefacts are installed);
2. starts the local peer the demo partner needs: OpenSSH's ``sshd`` on a free
   loopback port, speaking only SFTP;
   and the Chorus Pro simulator over HTTP;
3. writes the demo partner profiles: the samples' buyer, receiving UBL over
   SFTP with an acknowledgement directory, and a public buyer on Chorus Pro;
4. feeds the samples: UBL, CII, a Factur-X PDF made from the CII one, and an
   invoice to the public buyer;
5. runs a worker until everything is delivered; the demo then plays the
   partners: it drops an ``ACCEPTED`` acknowledgement file for each SFTP
   delivery, and moves the public buyer's invoice to payment on Chorus Pro,
   statuses the worker picks up;
6. returns each invoice's timeline, from received to acknowledged or paid.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from chorus import ChorusClient, Credentials, Endpoints
from chorus.records import InvoiceSummary
from chorus.simulator import RunningSimulator, SimulatorState, load_directory
from formats.model import Identifier, Invoice
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

PUBLIC_BUYER = """\
# A public buyer: invoices go to Chorus Pro (here its local simulator), commitment number (EJ) required.
name: Ministère des Ponts et Aiguillages
segment: public
identifiers:
  siret: "{siret}"
receives:
  formats: [ubl]
channels:
  - type: chorus
    name: chorus-pro
    base-url: {url}
    client-id-env: DEMO_PISTE_CLIENT_ID
    client-secret-env: DEMO_PISTE_CLIENT_SECRET
    login-env: DEMO_CPRO_LOGIN
    password-env: DEMO_CPRO_PASSWORD
    poll-interval: 0   # the demo lasts seconds: poll at every worker round (production: minutes, backing off)
"""

#: The simulator's demo directory (``chorus/simulator/demo.yaml``): the application, the
#: supplier's and the ministry's technical accounts. Fictitious values, not secrets.
_DEMO_CHORUS_ENV = {
    "DEMO_PISTE_CLIENT_ID": "aiguillage-demo",
    "DEMO_PISTE_CLIENT_SECRET": "demo-secret",
    "DEMO_CPRO_LOGIN": "TECH_AFR@cpro.example",
    "DEMO_CPRO_PASSWORD": "afr-password",
}
_MINISTRY_SIRET = "11000201100044"
_MINISTRY_ACCOUNT = ("TECH_MINISTERE@cpro.example", "ministere-password")
_MINISTRY_COMMITMENT = "1300012345"
_PUBLIC_NUMBER = "AFR-2026-0001-CPP"


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
    chorus = RunningSimulator(SimulatorState(load_directory()))
    chorus.start()
    os.environ.update(_DEMO_CHORUS_ENV)
    try:
        inbox, acks = peer.new_dir("inbox"), peer.new_dir("acks")
        say(f"started the SFTP partner: OpenSSH sshd on 127.0.0.1:{peer.port}")
        say(f"started the Chorus Pro simulator on {chorus.base_url}")
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
        (partners / "ministere.yaml").write_text(
            PUBLIC_BUYER.format(siret=_MINISTRY_SIRET, url=chorus.base_url), encoding="utf-8"
        )
        gateway = Gateway.at(home)
        say(f"data directory {home}/ (SQLite), partners lumiere (SFTP) and ministere (Chorus Pro)")
        say(f"validation layers: {', '.join(layers) or 'none installed'}")
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
            _wait(gateway, ids, ("sent", "acknowledged", "quarantined", "failed"), timeout)
            _acknowledge(gateway, peer.home / inbox, peer.home / acks, say)
            _pay_on_chorus(chorus.base_url, _PUBLIC_NUMBER, say, timeout)
            _wait(gateway, ids, ("acknowledged", "paid", "quarantined", "failed", "rejected"), timeout)
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
        chorus.stop()
        peer.close()


def _documents(samples: Path) -> list[tuple[str, bytes]]:
    documents = [(path.name, path.read_bytes()) for path in sorted(samples.glob("*.xml"))]
    cii = samples / "afr-invoice-cii.xml"
    if cii.is_file():
        invoice = read_invoice(cii.read_bytes()).invoice
        as_pdf = dataclasses.replace(invoice, number=f"{invoice.number}-PDF")
        documents.append(("afr-invoice-facturx.pdf", render_invoice(as_pdf, "facturx").data))
        documents.append(("afr-invoice-ministere.xml", _public_invoice(invoice)))
    return documents


def _public_invoice(invoice: Invoice) -> bytes:
    """The CII sample, addressed to the ministry on Chorus Pro, with the commitment number it requires (BT-13)."""
    buyer = invoice.buyer
    assert buyer is not None
    public = dataclasses.replace(
        buyer,
        name="Ministère des Ponts et Aiguillages",
        identifiers=(Identifier(_MINISTRY_SIRET, "0009"),),
        legal_registration=Identifier(_MINISTRY_SIRET[:9], "0002"),
        vat_id=None,
        electronic_address=Identifier(_MINISTRY_SIRET, "0009"),
    )
    changed = dataclasses.replace(
        invoice,
        number=_PUBLIC_NUMBER,
        buyer=public,
        buyer_reference=None,
        purchase_order_reference=_MINISTRY_COMMITMENT,
    )
    return render_invoice(changed, "cii").data


def _pay_on_chorus(base_url: str, number: str, say: Callable[[str], None], timeout: float) -> None:
    """Play the ministry on Chorus Pro: once the invoice is there, certify the service, mandate it, pay it."""
    endpoints = Endpoints.at(base_url)
    supplier_account = (_DEMO_CHORUS_ENV["DEMO_CPRO_LOGIN"], _DEMO_CHORUS_ENV["DEMO_CPRO_PASSWORD"])
    with (
        ChorusClient(endpoints, Credentials("aiguillage-demo", "demo-secret", *supplier_account)) as supplier,
        ChorusClient(endpoints, Credentials("aiguillage-demo", "demo-secret", *_MINISTRY_ACCOUNT)) as buyer,
    ):
        deadline = time.monotonic() + timeout
        found: list[InvoiceSummary] = []
        while time.monotonic() < deadline and not found:
            found = supplier.search_supplier_invoices(invoice_number=number)
            if not found:
                time.sleep(0.2)
        for invoice in found:
            for status in ("SERVICE_FAIT", "MANDATEE", "MISE_EN_PAIEMENT"):
                buyer.process_received(invoice.invoice_id, status)
        say(f"the ministry certified, mandated and paid {number} on Chorus Pro")


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
