"""The outbox: leased deliveries, retries with backoff, dead letters, fallbacks, and the worker loop."""

from gateway.outbox.worker import Worker, WorkerConfig

__all__ = ["Worker", "WorkerConfig"]
