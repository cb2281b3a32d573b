"""Benchmark: the gateway end to end, invoices/s from submission to delivered over SFTP.

Input: ``--count`` distinct Factur-X PDFs (the sample invoice with BT-1 changed;
one visual PDF drawn once, each CII embedded into it). Each goes through the
whole engine: intake, detect, read (PDF → embedded CII), validate (layers
``xsd`` + ``cen``, the official artefacts), route, render UBL, outbox, and a
real SFTP upload (``.part``, size check, atomic rename) to a local OpenSSH
``sshd`` started by the script (:mod:`tests.support.sshd`).

Configurations, in the same run, each on a fresh store and a fresh remote
directory:

* SQLite (WAL), 1 worker process;
* PostgreSQL (127.0.0.1:5432, a throw-away database), 1 worker process;
* PostgreSQL, 2 worker processes.

Workers are ``gateway worker`` processes started and warm (idle) before the
clock starts. The clock runs from the first submission (this process submits
every invoice through ``Gateway.submit``, as the API or a folder poller would,
while the workers are already pulling) to the moment the store shows every
invoice ``sent``. Then the script checks the partner's directory: ``--count``
files, no ``.part``.

"Where the time goes": one worker in this process on SQLite over a subset
(``--profile-count``), the pipeline steps, store writes, claims and the SFTP
send each timed with ``perf_counter`` around the engine's own functions, shown
as milliseconds per invoice. The SFTP phases come from the ``sent`` events.

Target (issue 6): ≥ 50 invoices/s on SQLite for Factur-X in → UBL out, validated.

Usage::

    .venv/bin/python bench/e2e.py [--count 300] [--batch 20] [--profile-count 100]
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("AIGUILLAGE_ARTEFACTS", str(REPO.parent / "shared" / "validation-artefacts"))

import psycopg  # noqa: E402
import yaml  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

from formats.pdf.visual import render_invoice_pdf  # noqa: E402
from formats.reading import read_invoice  # noqa: E402
from formats.rendering import render_invoice  # noqa: E402
from gateway.app import Gateway  # noqa: E402
from gateway.outbox import worker as worker_module  # noqa: E402
from gateway.pipeline import runner  # noqa: E402
from gateway.pipeline.events import Event  # noqa: E402
from gateway.pipeline.message import Message, StepContext  # noqa: E402
from gateway.pipeline.steps import STEPS  # noqa: E402
from gateway.store.models import EventRow, InvoiceRow  # noqa: E402
from tests.support.sshd import SshdServer  # noqa: E402

SAMPLE = REPO / "samples" / "afr-invoice-cii.xml"
GATEWAY = Path(sys.executable).with_name("gateway")
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
LAYERS = ["xsd", "cen"]
T = TypeVar("T")


def facturx_inputs(count: int, prefix: str) -> list[bytes]:
    """Return ``count`` distinct Factur-X PDFs: the sample with BT-1 = ``<prefix>-000000``…"""
    invoice = read_invoice(SAMPLE.read_bytes(), source=str(SAMPLE)).invoice
    visual = render_invoice_pdf(invoice)  # drawn once: the embedded CII is what the gateway reads
    documents = [
        render_invoice(dataclasses.replace(invoice, number=f"{prefix}-{i:06d}"), "facturx", visual=visual).data
        for i in range(count)
    ]
    assert len(set(documents)) == count
    return documents


@contextmanager
def database(kind: str) -> Iterator[str | None]:
    """Yield the database URL of a fresh store (``None``: SQLite in the home)."""
    if kind == "sqlite":
        yield None
        return
    name = f"aig_bench_{secrets.token_hex(6)}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def make_home(home: Path, server: SshdServer, url: str | None) -> str:
    """Write gateway.yaml and the partner profile; return the partner's remote directory."""
    (home / "partners").mkdir(parents=True)
    settings: dict[str, object] = {"validation": {"layers": LAYERS}, "lease-seconds": 60}
    if url:
        settings["database-url"] = url
    (home / "gateway.yaml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    remote = server.new_dir(home.name)
    profile = {
        "name": "Transports Lumière SARL",
        "identifiers": {"siren": "812345676"},
        "receives": {"formats": ["ubl"]},
        "channels": [{"type": "sftp", **server.channel_params(remote)}],
        "retry": {"max-attempts": 5, "initial-delay": 1},
    }
    (home / "partners" / "lumiere.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    return remote


def sent_count(gateway: Gateway) -> int:
    with gateway.engine.connect() as connection:
        return connection.scalar(select(func.count()).where(InvoiceRow.status == "sent")) or 0


@dataclasses.dataclass
class RunResult:
    label: str
    count: int
    seconds: float
    """First submission to last invoice sent."""
    submit_seconds: float
    """First to last submission (the workers run meanwhile)."""
    latency_median: float
    latency_p95: float
    """Per invoice, received → sent event."""

    @property
    def rate(self) -> float:
        return self.count / self.seconds


def start_workers(home: Path, count: int, batch: int) -> list[tuple[subprocess.Popen[bytes], Path]]:
    """Start ``count`` ``gateway worker`` processes and wait until each says it runs."""
    started = []
    for index in range(count):
        log = home / f"worker-{index}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                [str(GATEWAY), "--home", str(home), "worker", "--threads", "1", "--batch", str(batch)],
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        started.append((process, log))
    deadline = time.monotonic() + 60
    for process, log in started:
        while b"worker thread(s) running" not in log.read_bytes():
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"worker did not start:\n{log.read_text(errors='replace')}")
            time.sleep(0.05)
    return started


def stop_workers(started: list[tuple[subprocess.Popen[bytes], Path]]) -> None:
    for process, _ in started:
        process.terminate()
    for process, log in started:
        if process.wait(timeout=60) != 0:
            print(log.read_text(errors="replace"), file=sys.stderr)


def run(
    label: str, kind: str, workers: int, documents: list[bytes], server: SshdServer, root: Path, batch: int
) -> RunResult:
    home = root / label.replace(" ", "-").replace(",", "")
    with database(kind) as url:
        remote = make_home(home, server, url)
        gateway = Gateway.at(home)  # migrates the fresh store
        started = start_workers(home, workers, batch)
        try:
            begin = time.perf_counter()
            for index, document in enumerate(documents):
                gateway.submit(document, filename=f"bench-{index:06d}.pdf", source="bench")
            submitted = time.perf_counter()
            deadline = submitted + 600
            while sent_count(gateway) < len(documents):
                if time.perf_counter() > deadline:
                    raise SystemExit(f"{label}: not every invoice was sent within 10 minutes")
                time.sleep(0.02)
            done = time.perf_counter()
        finally:
            stop_workers(started)
        latencies = invoice_latencies(gateway)
        gateway.close()
    inbox = server.home / remote
    names = [path.name for path in inbox.iterdir()]
    assert len(names) == len(documents), f"{label}: {len(names)} files on the SFTP server"
    assert not [name for name in names if name.endswith(".part")], f"{label}: temporary files left"
    return RunResult(
        label,
        len(documents),
        done - begin,
        submitted - begin,
        statistics.median(latencies),
        statistics.quantiles(latencies, n=20)[-1],
    )


def invoice_latencies(gateway: Gateway) -> list[float]:
    """Seconds from each invoice's ``received`` event to its ``sent`` event."""
    with gateway.engine.connect() as connection:
        rows = connection.execute(
            select(EventRow.invoice_id, EventRow.kind, EventRow.at).where(EventRow.kind.in_(("received", "sent")))
        ).all()
    stamps: dict[str, dict[str, float]] = defaultdict(dict)
    for row in rows:
        stamps[row.invoice_id][row.kind] = row.at.timestamp()
    return [s["sent"] - s["received"] for s in stamps.values()]


# -- where the time goes -------------------------------------------------------------------------


class Timings:
    """Wall-clock seconds accumulated per label."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)

    def wrap(self, label: str, function: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> T:
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - start

        return timed

    @contextmanager
    def around(self, targets: list[tuple[object, str, str]]) -> Iterator[None]:
        """Time each ``(owner, attribute, label)`` function while the block runs, then put it back."""
        originals = [(owner, name, getattr(owner, name)) for owner, name, _ in targets]
        try:
            for (owner, name, label), (_, _, function) in zip(targets, originals, strict=True):
                setattr(owner, name, self.wrap(label, function))
            yield
        finally:
            for owner, name, function in originals:
                setattr(owner, name, function)


def profile(
    documents: list[bytes], server: SshdServer, root: Path, batch: int
) -> tuple[dict[str, float], dict[str, float]]:
    """Run one worker in this process on SQLite; return ms per invoice per part, and SFTP phase means.

    The worker module's own references are wrapped (it imported ``process``,
    the claims and ``record_send`` by name), the steps through ``run_steps``'s
    ``steps`` argument.
    """
    timings = Timings()
    timed = tuple(timings.wrap(f"step {step.__name__.removesuffix('_step')}", step) for step in STEPS)
    run_steps = runner.run_steps

    def timed_steps(
        message: Message,
        context: StepContext,
        steps: Sequence[runner.Step] = timed,
        *,
        clock: Callable[[], datetime] | None = None,
    ) -> tuple[Message, list[Event]]:
        return run_steps(message, context, steps, clock=clock)

    home = root / "profile"
    make_home(home, server, None)
    gateway = Gateway.at(home)
    targets: list[tuple[object, str, str]] = [
        (worker_module, "process", "pipeline (steps + store write)"),
        (worker_module, "claim_received", "claim invoices"),
        (worker_module, "claim_deliveries", "claim deliveries"),
        (worker_module, "record_send", "record the send"),
        (worker_module.Worker, "_send", "sftp send"),
        (worker_module.Worker, "_deliver", "delivery (all)"),
        (gateway, "submit", "intake (submit)"),
    ]
    try:
        with timings.around(targets):
            runner.run_steps = timed_steps
            try:
                for index, document in enumerate(documents):
                    gateway.submit(document, filename=f"profile-{index:06d}.pdf", source="bench")
                worker = gateway.worker("bench-profile", batch=batch, ack_interval=3600.0)
                worker.run_once()  # warm-up round: compiles the stylesheets, opens the SFTP connection
                submitted = timings.seconds["intake (submit)"] * processed_share(len(documents), batch)
                timings.seconds.clear()
                timings.seconds["intake (submit)"] = submitted
                begin = time.perf_counter()
                while worker.run_once().busy:
                    pass
                total = time.perf_counter() - begin
                worker.close()
            finally:
                runner.run_steps = run_steps
        with gateway.engine.connect() as connection:
            sent = list(connection.execute(select(EventRow.data).where(EventRow.kind == "sent")).scalars())
    finally:
        gateway.close()
    processed = len(documents) - batch
    parts = dict(timings.seconds)
    step_total = sum(v for k, v in parts.items() if k.startswith("step "))
    parts["store write of the pipeline"] = parts.pop("pipeline (steps + store write)", 0.0) - step_total
    parts["delivery: read row + bookkeeping"] = (
        parts.pop("delivery (all)", 0.0) - parts.get("sftp send", 0.0) - parts.get("record the send", 0.0)
    )
    parts["worker round (total)"] = total
    per_invoice = {k: 1000 * v / processed for k, v in parts.items()}
    phases: dict[str, list[float]] = defaultdict(list)
    for data in sent:
        for phase in (data or {}).get("phases", []):
            phases[phase["name"]].append(phase["seconds"])
    phase_ms = {name: 1000 * statistics.mean(values) for name, values in phases.items()}
    return per_invoice, phase_ms


def processed_share(count: int, warm_up: int) -> float:
    """Scale a time measured over ``count`` invoices to the ``count - warm_up`` the breakdown divides by."""
    return (count - warm_up) / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=300, help="invoices per configuration (default 300)")
    parser.add_argument("--batch", type=int, default=20, help="rows a worker claims per round (default 20)")
    parser.add_argument("--profile-count", type=int, default=100, help="invoices for the time breakdown")
    args = parser.parse_args()

    started = time.perf_counter()
    documents = facturx_inputs(args.count, "BENCH")
    # The profile's first round (a batch) is a warm-up and is not counted.
    extra = facturx_inputs(args.profile_count + args.batch, "PROFILE")
    print(
        f"{args.count} Factur-X inputs ({len(documents[0]) // 1024} KiB each) in {time.perf_counter() - started:.1f} s"
    )
    root = Path(tempfile.mkdtemp(prefix="aig-bench-"))
    server = SshdServer(root / "sshd")
    server.start()
    try:
        results = [
            run("SQLite, 1 worker", "sqlite", 1, documents, server, root, args.batch),
            run("PostgreSQL, 1 worker", "postgresql", 1, documents, server, root, args.batch),
            run("PostgreSQL, 2 workers", "postgresql", 2, documents, server, root, args.batch),
        ]
        per_invoice, phase_ms = profile(extra, server, root, args.batch)
    finally:
        server.remove()
        shutil.rmtree(root, ignore_errors=True)

    print()
    print(f"Factur-X in -> UBL out, validated ({'+'.join(LAYERS)}), delivered over SFTP; {os.cpu_count()} CPUs")
    header = f"{'invoices':>9}{'seconds':>9}{'inv/s':>8}{'submit s':>10}{'lat. p50':>10}{'lat. p95':>10}"
    print(f"{'configuration':<24}{header}")
    for r in results:
        print(
            f"{r.label:<24}{r.count:>9}{r.seconds:>9.1f}{r.rate:>8.1f}{r.submit_seconds:>10.1f}"
            f"{r.latency_median:>9.2f}s{r.latency_p95:>9.2f}s"
        )
    print(f"target: >= 50 invoices/s on SQLite -> {'met' if results[0].rate >= 50 else 'NOT met'}")
    print()
    print(f"Where the time goes: one worker in-process, SQLite, {args.profile_count} invoices, ms per invoice")
    order = [k for k in per_invoice if k.startswith("step ")] + [
        "store write of the pipeline",
        "claim invoices",
        "claim deliveries",
        "sftp send",
        "record the send",
        "delivery: read row + bookkeeping",
        "worker round (total)",
        "intake (submit)",
    ]
    for key in order:
        print(f"  {key:<36}{per_invoice.get(key, 0.0):>8.2f}")
    print("  sftp phases (mean ms): " + ", ".join(f"{k} {v:.2f}" for k, v in phase_ms.items()))
    print(f"total run {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
