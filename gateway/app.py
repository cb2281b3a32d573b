"""The gateway assembled from its configuration: store, partners, pipeline context, workers.

One :class:`Gateway` per process. It owns the engine and the long-lived
engines the steps use (the validator keeps its compiled stylesheets), so that a
worker or an API request never builds them per invoice.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine

from formats.errors import ConfigError
from formats.mappings import Mapping, load_mapping
from formats.validation.engine import Validator
from formats.validation.native import native_checks
from gateway.config import GatewayConfig
from gateway.intake import Submitted, submit
from gateway.intake_poller import IntakePoller
from gateway.outbox.worker import Worker, WorkerConfig, utc_now
from gateway.partners import PartnerBook, PartnerDirectory
from gateway.pipeline.message import StepContext
from gateway.store import open_engine, upgrade
from gateway.store.control_numbers import StoreControlNumbers

__all__ = ["Gateway", "default_worker_id"]

log = logging.getLogger(__name__)


def default_worker_id(suffix: str = "") -> str:
    """Return an id naming this host and process (leases are readable in the store)."""
    return f"{socket.gethostname()}:{os.getpid()}{suffix}"


class Gateway:
    """Everything one gateway process needs."""

    def __init__(
        self,
        config: GatewayConfig,
        *,
        clock: Callable[[], dt.datetime] = utc_now,
        migrate: bool = True,
        engine: Engine | None = None,
    ) -> None:
        self.config = config
        self.clock = clock
        self.engine = engine if engine is not None else open_engine(config.database_url)
        if migrate:
            upgrade(self.engine)
        self.partners = PartnerDirectory(config.partners_dir)
        self.mappings = load_mappings(config.mappings_dir)
        # Validators keep compiled stylesheets and are not shared between threads.
        self._local = threading.local()
        self._control_numbers = StoreControlNumbers(self.engine)

    @classmethod
    def at(cls, home: Path, **kwargs: object) -> Gateway:
        """Open the gateway whose data directory is ``home``."""
        return cls(GatewayConfig.load(home), **kwargs)  # type: ignore[arg-type]

    @property
    def validator(self) -> Validator | None:
        """The process's validator, built on first use; ``None`` when validation is off."""
        if not self.config.layers:
            return None
        validator: Validator | None = getattr(self._local, "validator", None)
        if validator is None:
            validator = Validator(native_checks=native_checks)
            self._local.validator = validator
        return validator

    def context(self, book: PartnerBook) -> StepContext:
        """Return the step context for the current partner book."""
        return StepContext(
            partners=book,
            validator=self.validator,
            layers=self.config.layers,
            mappings=self.mappings,
            control_numbers=self._control_numbers,
        )

    def submit(self, content: bytes, *, filename: str, source: str) -> Submitted:
        """Take a document in (idempotent); a worker runs the pipeline on it."""
        return submit(self.engine, content, filename=filename, source=source, clock=self.clock)

    def worker(self, worker_id: str | None = None, **options: object) -> Worker:
        """Return a worker bound to this gateway."""
        settings = WorkerConfig(
            worker_id=worker_id or default_worker_id(),
            lease=dt.timedelta(seconds=self.config.lease_seconds),
            **options,  # type: ignore[arg-type]
        )
        intake = None
        if self.config.intakes:
            intake = IntakePoller(
                self.engine, self.config.intakes, owner=settings.worker_id, base=self.config.home, clock=self.clock
            )
        return Worker(self.engine, self.partners, self.context, settings, clock=self.clock, intake=intake)

    def close(self) -> None:
        self.engine.dispose()


def load_mappings(directory: Path) -> tuple[Mapping, ...]:
    """Load every mapping file of ``directory``.

    :raises ConfigError: a file is invalid (the message names file, line and key).
    """
    if not directory.is_dir():
        return ()
    mappings = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            mappings.append(load_mapping(path.read_text(encoding="utf-8"), str(path)))
        except ConfigError:
            raise
        except OSError as exc:
            raise ConfigError(f"cannot read: {exc.strerror}", path=str(path)) from exc
    return tuple(mappings)
