"""One ``gateway worker`` on SQLite killed -9 mid-run and started again (issue 6).

The single-node twin of :mod:`test_multinode`: the process that comes back is a
new worker (a new lease owner), which takes over what the dead one had leased
once the 5-second lease expires; the partner ends with each invoice once.
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
    start_worker,
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


def test_a_killed_worker_restarts_and_nothing_is_lost_on_sqlite(
    tmp_path: Path, sshd_factory: Callable[[], SshdServer]
) -> None:
    count = e2e_count(1000)
    server = sshd_factory()
    remote = server.new_dir("lumiere")
    home = tmp_path / "home"
    # XSD only: validation rules are not what this test is about (see test_multinode).
    write_config(home, database_url=None, lease_seconds=LEASE_SECONDS, layers=["xsd"])
    gateway_cli(home, "init")
    write_sftp_partner(home, server, remote)
    numbers = invoice_numbers(count, "CR")
    gateway_cli(home, "submit", "--quiet", *map(str, write_invoices(tmp_path / "in", numbers)))

    engine = engine_for(home, None)
    first = start_worker(home, tmp_path, "first")
    workers = [first]
    try:

        def sent() -> int:
            return status_counts(engine).get("sent", 0)

        def report() -> str:
            return f"statuses: {status_counts(engine)}\n{worker_logs(workers)}"

        wait_for(lambda: sent() >= count // 20, timeout=60, what="the first deliveries", context=report)
        held = kill_while_holding_leases(first, engine)
        assert held.sent_before < count // 2, f"the kill came too late to matter ({held.sent_before} sent)"
        second = start_worker(home, tmp_path, "second")
        workers.append(second)
        assert second.worker_id != first.worker_id
        wait_for(lambda: sent() == count, timeout=150, what=f"{count} invoices sent", context=report)
        assert second.stop() == 0, second.log()
    finally:
        for worker in workers:
            worker.stop()

    try:
        assert status_counts(engine) == {"sent": count}
        with engine.connect() as connection:
            deliveries = connection.execute(select(DeliveryRow.status, DeliveryRow.lease_owner)).all()
        assert len(deliveries) == count
        assert {row.status for row in deliveries} == {"sent"}
        assert {row.lease_owner for row in deliveries} == {None}
        check_delivered_once(server.home / remote, numbers)
        check_taken_over(engine, held)
    finally:
        engine.dispose()
