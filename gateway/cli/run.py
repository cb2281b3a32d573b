"""``gateway worker`` and ``gateway run``: the long-running processes."""

from __future__ import annotations

import logging
import signal
import threading
import time
from types import FrameType

import click

from gateway.app import Gateway, default_worker_id
from gateway.cli.errors import exception_manager
from gateway.cli.home import open_gateway

__all__ = ["run_command", "worker_command"]

log = logging.getLogger(__name__)


def _stop_on_signals(stop: threading.Event) -> None:
    def handler(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: stopping after the current round", signum)
        stop.set()

    signal.signal(signal.SIGTERM, handler)
    signal.signal(signal.SIGINT, handler)


def _start_workers(gateway: Gateway, count: int, stop: threading.Event, **options: object) -> list[threading.Thread]:
    threads = []
    for index in range(count):
        worker = gateway.worker(default_worker_id(f"/{index}"), **options)
        thread = threading.Thread(target=worker.run, args=(stop,), name=f"worker-{index}", daemon=True)
        thread.start()
        threads.append(thread)
    return threads


@click.command("worker")
@click.option(
    "--threads", type=click.IntRange(1, 64), default=1, show_default=True, help="Worker threads in this process."
)
@click.option("--once", is_flag=True, help="Do rounds until there is nothing left to do, then exit.")
@click.option("--batch", type=click.IntRange(1, 1000), default=20, show_default=True, help="Rows claimed per round.")
@click.pass_context
def worker_command(ctx: click.Context, threads: int, once: bool, batch: int) -> None:
    """Process received invoices and deliver the outbox until stopped (SIGTERM or Ctrl-C).

    Start as many as you like, on one machine or several sharing a PostgreSQL
    database: work is claimed with leases, never done twice at once.
    """
    with exception_manager(ctx.obj["verbose"]):
        gateway = open_gateway(ctx)
        if once:
            worker = gateway.worker(default_worker_id(), batch=batch, ack_interval=0.0)
            total = 0
            while True:
                result = worker.run_once()
                total += result.processed + result.delivered
                if not result.busy:
                    break
            worker.close()
            click.echo(f"done: {total} step(s) of work")
            return
        stop = threading.Event()
        _stop_on_signals(stop)
        started = _start_workers(gateway, threads, stop, batch=batch)
        click.echo(f"{threads} worker thread(s) running on {gateway.engine.url.render_as_string(hide_password=True)}")
        while any(thread.is_alive() for thread in started):
            time.sleep(0.2)
        gateway.close()


@click.command("run")
@click.option("--workers", type=click.IntRange(0, 64), help="Worker threads (default: `workers` in gateway.yaml).")
@click.option("--host", help="API address (default: api.host in gateway.yaml).")
@click.option("--port", type=click.IntRange(0, 65535), help="API port (default: api.port in gateway.yaml).")
@click.pass_context
def run_command(ctx: click.Context, workers: int | None, host: str | None, port: int | None) -> None:
    """Run the REST API and the workers until stopped (SIGTERM or Ctrl-C)."""
    with exception_manager(ctx.obj["verbose"]):
        gateway = open_gateway(ctx)
        stop = threading.Event()
        count = gateway.config.workers if workers is None else workers
        _start_workers(gateway, count, stop)
        from gateway.api import serve

        address = f"{host or gateway.config.api_host}:{port or gateway.config.api_port}"
        click.echo(f"{count} worker thread(s); API on http://{address}")
        try:
            serve(gateway, host or gateway.config.api_host, port if port is not None else gateway.config.api_port)
        finally:
            stop.set()
            gateway.close()
