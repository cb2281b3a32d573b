"""The partner's SFTP server goes down mid-run and comes back (issue 6).

Deliveries fail while it is down: each failure is an ``attempt-failed`` event
naming the reason and the next try, the row backs off (0.5 s, 1 s, 2 s…), and
once the server is back every invoice is delivered, once. The timeline an
operator reads (``gateway status INVOICE``) shows each attempt.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from gateway.store.models import DeliveryRow, EventRow
from tests.integration.engine.gateways import (
    check_delivered_once,
    engine_for,
    gateway_cli,
    invoice_numbers,
    start_worker,
    status_counts,
    wait_for,
    write_config,
    write_invoices,
    write_sftp_partner,
)
from tests.support.sshd import SshdServer

pytestmark = pytest.mark.xdist_group("engine-e2e")

COUNT = 60


def test_deliveries_back_off_while_the_partner_is_down_then_complete(
    tmp_path: Path, sshd_factory: Callable[[], SshdServer]
) -> None:
    server = sshd_factory()
    remote = server.new_dir("lumiere")
    home = tmp_path / "home"
    write_config(home, database_url=None, lease_seconds=30, layers=["xsd"])
    gateway_cli(home, "init")
    write_sftp_partner(home, server, remote)
    numbers = invoice_numbers(COUNT, "PD")
    gateway_cli(home, "submit", "--quiet", *map(str, write_invoices(tmp_path / "in", numbers)))

    engine = engine_for(home, None)

    def sent() -> int:
        return status_counts(engine).get("sent", 0)

    def most_failures() -> int:
        with engine.connect() as connection:
            per_delivery = (
                select(func.count().label("n"))
                .where(EventRow.kind == "attempt-failed")
                .group_by(EventRow.delivery_id)
                .subquery()
            )
            return connection.scalar(select(func.coalesce(func.max(per_delivery.c.n), 0))) or 0

    worker = start_worker(home, tmp_path, "worker", batch=5)
    try:
        wait_for(lambda: sent() >= 5, timeout=60, what="the first deliveries", context=worker.log)
        server.stop()
        sent_while_up = sent()
        assert sent_while_up < COUNT, "everything was sent before the partner went down"
        # Down long enough for some delivery to fail three times (0.5 s + 1 s + 2 s of backoff).
        wait_for(lambda: most_failures() >= 3, timeout=60, what="three failed attempts", context=worker.log)
        assert sent() == sent_while_up, "a delivery succeeded while the partner was down"
        server.start()
        wait_for(lambda: sent() == COUNT, timeout=90, what=f"{COUNT} invoices sent", context=worker.log)
    finally:
        worker.stop()

    try:
        assert status_counts(engine) == {"sent": COUNT}
        check_delivered_once(server.home / remote, numbers)
        with engine.connect() as connection:
            failures = connection.execute(
                select(EventRow.invoice_id, EventRow.delivery_id, EventRow.detail, EventRow.data)
                .where(EventRow.kind == "attempt-failed")
                .order_by(EventRow.id)
            ).all()
            attempts = dict(connection.execute(select(DeliveryRow.id, DeliveryRow.attempts)).all())
    finally:
        engine.dispose()

    assert failures, "no attempt failed while the partner was down"
    for failure in failures:
        # The reason is the channel's: the SFTP server refused the connection or dropped it.
        assert failure.data["outcome"] == "transient-error"
        assert "127.0.0.1" in failure.detail or "connect" in failure.detail.lower(), failure.detail
        assert "next attempt in" in failure.detail
        assert failure.data["next_attempt_at"]
    # Each delivery's attempts: its failures, then the one that went through.
    failed_per_delivery: dict[int, int] = {}
    for failure in failures:
        failed_per_delivery[failure.delivery_id] = failed_per_delivery.get(failure.delivery_id, 0) + 1
    assert {d: attempts[d] for d in failed_per_delivery} == {d: n + 1 for d, n in failed_per_delivery.items()}

    # The timeline of the invoice that failed most shows every attempt, in order, then the delivery.
    delivery_id = max(failed_per_delivery, key=lambda d: failed_per_delivery[d])
    invoice_id = next(f.invoice_id for f in failures if f.delivery_id == delivery_id)
    timeline = gateway_cli(home, "status", invoice_id).stdout
    tries = failed_per_delivery[delivery_id] + 1
    attempt_lines = [line for line in timeline.splitlines() if " attempt " in line]
    expected = [f"attempt {n}/20" for n in range(1, tries + 1)]
    assert [next(e for e in expected if e in line) for line in attempt_lines] == expected, timeline
    assert "attempt-failed" in attempt_lines[0] and "next attempt in" in attempt_lines[0]
    assert " sent " in attempt_lines[-1] and "delivered" in attempt_lines[-1], timeline
