"""Three ``gateway worker`` processes on one PostgreSQL store, one killed -9 mid-run (issue 6).

1000 distinct invoices go to one partner over SFTP to a real OpenSSH server.
While the workers run, one is frozen (SIGSTOP) at a moment it holds leases,
its leased rows are noted, and it is killed with SIGKILL: nothing of it gets
to clean up. The survivors must take its rows over once the 5-second lease
expires, and the partner must end with each invoice exactly once.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from gateway.store.models import DeliveryRow
from tests.integration.engine.gateways import (
    check_delivered_once,
    check_taken_over,
    e2e_count,
    engine_for,
    gateway_cli,
    invoice_numbers,
    kill_while_holding_leases,
    postgres_database,
    running_workers,
    status_counts,
    wait_for,
    worker_logs,
    write_config,
    write_invoices,
    write_sftp_partner,
)
from tests.support.sshd import SshdServer

pytestmark = pytest.mark.xdist_group("engine-e2e")

LEASE_SECONDS = 5


def test_three_workers_on_postgres_survive_a_kill(tmp_path: Path, sshd_factory: Callable[[], SshdServer]) -> None:
    count = e2e_count(1000)
    server = sshd_factory()
    remote = server.new_dir("lumiere")
    home = tmp_path / "home"
    with postgres_database() as url:
        # Only the XSD layer: validation rules are not what this test is about, and the
        # CEN schematron would add ~30 ms of CPU per invoice on a shared 2-core machine.
        write_config(home, database_url=url, lease_seconds=LEASE_SECONDS, layers=["xsd"])
        gateway_cli(home, "init")
        write_sftp_partner(home, server, remote)
        numbers = invoice_numbers(count, "MN")
        files = write_invoices(tmp_path / "in", numbers)
        submitted = gateway_cli(home, "submit", "--quiet", *map(str, files)).stdout.split()
        assert len(set(submitted)) == count, "each distinct file is one invoice"

        engine = engine_for(home, url)
        try:
            with running_workers(home, tmp_path, 3) as workers:
                victim = workers[1]

                def sent() -> int:
                    return status_counts(engine).get("sent", 0)

                def report() -> str:
                    return f"statuses: {status_counts(engine)}\n{worker_logs(workers)}"

                wait_for(lambda: sent() >= count // 20, timeout=60, what="the first deliveries", context=report)
                held = kill_while_holding_leases(victim, engine)
                assert held.sent_before < count // 2, f"the kill came too late to matter ({held.sent_before} sent)"

                wait_for(lambda: sent() == count, timeout=150, what=f"{count} invoices sent", context=report)
                survivors = [w for w in workers if w is not victim]
                assert all(w.process.poll() is None for w in survivors), worker_logs(workers)
                for worker in survivors:
                    assert worker.stop() == 0, worker.log()

            # Nothing lost: every invoice sent, every delivery sent, no lease left behind.
            assert status_counts(engine) == {"sent": count}
            with engine.connect() as connection:
                deliveries = connection.execute(select(DeliveryRow.status, DeliveryRow.lease_owner)).all()
            assert len(deliveries) == count, "one delivery per invoice (no fallback, no duplicate queueing)"
            assert {row.status for row in deliveries} == {"sent"}
            assert {row.lease_owner for row in deliveries} == {None}

            check_delivered_once(server.home / remote, numbers)
            check_taken_over(engine, held)
        finally:
            engine.dispose()
