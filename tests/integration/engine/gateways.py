"""Build gateway homes for the engine tests: configuration, an SFTP partner, distinct invoices, workers.

Everything here drives the product from outside, the way an operator would:
``gateway.yaml`` and ``partners/*.yaml`` are written as files, the CLI runs as
subprocesses, and what was delivered is read back from the SFTP server's
directory on disk. The store is only read (``InvoiceRow``, ``DeliveryRow``,
``EventRow``) to check what the engine recorded.
"""

from __future__ import annotations

import dataclasses
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import IO

import psycopg
import yaml
from lxml import etree
from sqlalchemy import Engine, func, select

from formats.model import Invoice
from formats.reading import read_invoice
from formats.rendering import render_invoice
from gateway.store import open_engine
from gateway.store.models import DeliveryRow, EventRow, InvoiceRow
from tests.support.sshd import SshdServer

REPO = Path(__file__).resolve().parents[3]
SAMPLE = REPO / "samples" / "afr-invoice-cii.xml"
GATEWAY = Path(sys.executable).with_name("gateway")
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
UBL_ID = "{urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2}ID"

#: The samples' buyer (Transports Lumière SARL, SIREN 812345676): the partner every invoice routes to.
BUYER_SIREN = "812345676"
#: Fast retries, so that a test sees several attempts within seconds.
FAST_RETRY = {"max-attempts": 20, "initial-delay": 0.5, "max-delay": 2, "multiplier": 2, "jitter": 0.1}


@cache
def sample_invoice() -> Invoice:
    return read_invoice(SAMPLE.read_bytes(), source=str(SAMPLE)).invoice


def invoice_numbers(count: int, prefix: str) -> list[str]:
    return [f"{prefix}-{index:06d}" for index in range(count)]


def write_invoices(directory: Path, numbers: list[str]) -> list[Path]:
    """Write one CII file per invoice number (BT-1 changed in the model, so the bytes differ)."""
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in numbers:
        path = directory / f"{number}.xml"
        path.write_bytes(render_invoice(dataclasses.replace(sample_invoice(), number=number), "cii").data)
        paths.append(path)
    return paths


# -- the gateway's files -------------------------------------------------------------------------


def write_config(home: Path, *, database_url: str | None, lease_seconds: float, layers: list[str]) -> None:
    """Write ``gateway.yaml`` before ``gateway init`` (which keeps an existing file)."""
    home.mkdir(parents=True, exist_ok=True)
    settings: dict[str, object] = {"validation": {"layers": layers}, "lease-seconds": lease_seconds}
    if database_url is not None:
        settings["database-url"] = database_url
    (home / "gateway.yaml").write_text(yaml.safe_dump(settings, sort_keys=False), encoding="utf-8")


def write_sftp_partner(
    home: Path, server: SshdServer, remote_dir: str, *, retry: Mapping[str, object] = FAST_RETRY
) -> Path:
    """Write ``partners/lumiere.yaml``: the samples' buyer, receiving UBL over SFTP on ``server``."""
    profile = {
        "name": "Transports Lumière SARL",
        "identifiers": {"siren": BUYER_SIREN},
        "receives": {"formats": ["ubl"]},
        "channels": [{"type": "sftp", **server.channel_params(remote_dir)}],
        "retry": dict(retry),
    }
    path = home / "partners" / "lumiere.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(profile, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def gateway_cli(home: Path, *args: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """Run ``gateway --home HOME ARGS`` and return its outcome (raising with its output if ``check`` fails)."""
    done = subprocess.run(
        [str(GATEWAY), "--home", str(home), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and done.returncode != 0:
        raise AssertionError(f"gateway {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done


# -- worker processes ----------------------------------------------------------------------------


@dataclasses.dataclass
class WorkerProcess:
    """One ``gateway worker`` subprocess and its log."""

    process: subprocess.Popen[bytes]
    log_path: Path
    _log: IO[bytes]

    @property
    def worker_id(self) -> str:
        """The lease owner it writes into the store (``gateway.app.default_worker_id`` of thread 0)."""
        return f"{socket.gethostname()}:{self.process.pid}/0"

    def kill(self) -> None:
        """``kill -9``: no clean-up, leases stay behind."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> int:
        """SIGTERM, as an operator stops a worker; return its exit status."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()
        return self.process.returncode

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_worker(home: Path, log_dir: Path, name: str, *, batch: int = 10) -> WorkerProcess:
    """Start ``gateway worker`` on ``home``; stdout and stderr go to ``log_dir/<name>.log``."""
    log_path = log_dir / f"{name}.log"
    log = log_path.open("ab")
    process = subprocess.Popen(
        [str(GATEWAY), "--home", str(home), "worker", "--threads", "1", "--batch", str(batch)],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
    )
    return WorkerProcess(process, log_path, log)


@contextmanager
def running_workers(home: Path, log_dir: Path, count: int, *, batch: int = 10) -> Iterator[list[WorkerProcess]]:
    """Start ``count`` workers and stop the survivors (SIGTERM) on the way out."""
    workers = [start_worker(home, log_dir, f"worker-{index}", batch=batch) for index in range(count)]
    try:
        yield workers
    finally:
        for worker in workers:
            worker.stop()


def worker_logs(workers: list[WorkerProcess]) -> str:
    return "\n".join(f"--- {w.log_path.name} (pid {w.process.pid})\n{w.log()[-3000:]}" for w in workers)


# -- the store, read only ------------------------------------------------------------------------


def status_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        rows = connection.execute(select(InvoiceRow.status, func.count()).group_by(InvoiceRow.status))
        return {row[0]: row[1] for row in rows}


def wait_for(
    condition: Callable[[], bool], *, timeout: float, what: str, context: Callable[[], str] = lambda: ""
) -> None:
    """Poll ``condition`` every 0.1 s until true; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{context()}")


# -- what the partner received -------------------------------------------------------------------


def delivered_numbers(directory: Path) -> dict[str, list[str]]:
    """Map each invoice number (BT-1, the UBL root's ``cbc:ID``) to the names of the files carrying it."""
    found: dict[str, list[str]] = {}
    for path in sorted(directory.iterdir()):
        if path.name.endswith(".part"):
            continue
        number = etree.fromstring(path.read_bytes()).findtext(UBL_ID)
        found.setdefault(str(number), []).append(path.name)
    return found


# -- PostgreSQL ----------------------------------------------------------------------------------


@contextmanager
def postgres_database() -> Iterator[str]:
    """Create a database with a unique name on the local server; yield its SQLAlchemy URL; drop it."""
    name = f"aig_test_{secrets.token_hex(6)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def engine_for(home: Path, database_url: str | None) -> Engine:
    """Open the store a gateway home uses (read-only use by the tests)."""
    return open_engine(database_url or f"sqlite+pysqlite:///{home / 'gateway.db'}")


def e2e_count(default: int) -> int:
    """The number of invoices an end-to-end test moves: ``AIG_E2E_COUNT`` while developing, else ``default``."""
    return int(os.environ.get("AIG_E2E_COUNT", default))


# -- crash and takeover --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Held:
    """What a worker held in the store when it was killed."""

    invoices: frozenset[str]
    """Invoices it had leased for the pipeline."""
    deliveries: frozenset[int]
    """Deliveries it had leased to send."""
    sent_before: int
    """Invoices already sent at the kill."""
    killed_at: float
    """``time.time()`` of the kill."""


def kill_while_holding_leases(victim: WorkerProcess, engine: Engine, *, timeout: float = 30) -> Held:
    """Freeze ``victim`` at a moment it holds leases, note them, ``kill -9`` it.

    SIGSTOP first, so that the rows read from the store are exactly what the
    victim held when it died (a running process could finish them between the
    read and the kill).
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        victim.process.send_signal(signal.SIGSTOP)
        with engine.connect() as connection:
            invoices = frozenset(
                connection.scalars(select(InvoiceRow.id).where(InvoiceRow.lease_owner == victim.worker_id))
            )
            deliveries = frozenset(
                connection.scalars(
                    select(DeliveryRow.id).where(
                        DeliveryRow.lease_owner == victim.worker_id, DeliveryRow.status == "leased"
                    )
                )
            )
        if invoices or deliveries:
            sent_before = status_counts(engine).get("sent", 0)
            victim.kill()
            return Held(invoices, deliveries, sent_before, time.time())
        victim.process.send_signal(signal.SIGCONT)
        time.sleep(0.05)
    raise AssertionError(f"worker {victim.worker_id} held no lease in {timeout:.0f} s:\n{victim.log()}")


def check_taken_over(engine: Engine, held: Held) -> None:
    """Assert that another worker finished every row the killed one held, after the kill."""
    with engine.connect() as connection:
        invoices = dict(
            connection.execute(select(InvoiceRow.id, InvoiceRow.status).where(InvoiceRow.id.in_(held.invoices))).all()
        )
        attempts = dict(connection.execute(select(DeliveryRow.id, DeliveryRow.attempts)).all())
        sent_events = {
            row.delivery_id: row
            for row in connection.execute(
                select(EventRow.delivery_id, EventRow.at, EventRow.data).where(EventRow.kind == "sent")
            )
        }
    assert invoices == dict.fromkeys(held.invoices, "sent"), "an invoice the victim held in the pipeline is not sent"
    for delivery_id in held.deliveries:
        # The victim's claim counted attempt 1; a worker that took the row over once the lease
        # expired counted the next one and recorded the delivery, after the kill.
        assert attempts[delivery_id] >= 2, f"delivery {delivery_id}: {attempts[delivery_id]} attempt(s)"
        assert sent_events[delivery_id].data["attempt"] == attempts[delivery_id]
        assert sent_events[delivery_id].at.timestamp() > held.killed_at


def check_delivered_once(inbox: Path, numbers: list[str]) -> None:
    """Assert that the partner's directory holds one whole file per invoice and nothing else."""
    names = sorted(path.name for path in inbox.iterdir())
    assert [name for name in names if name.endswith(".part")] == [], "a temporary upload was left behind"
    assert len(names) == len(numbers)
    carried = delivered_numbers(inbox)
    assert sorted(carried) == sorted(numbers), "an invoice is missing, or a file carries an unknown one"
    assert {number: files for number, files in carried.items() if len(files) != 1} == {}, "delivered twice"
