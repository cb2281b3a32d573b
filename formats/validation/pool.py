"""A long-lived pool of validator processes: one :class:`Validator` per worker, kept warm.

Why processes, and why ``spawn``: saxonche (SaxonC-HE, a GraalVM native image)
allows exactly one ``PySaxonProcessor`` per process, shared by its threads and
never created from several threads; a process that forks after creating it is
known to crash with some releases (research notes, §4). So each worker process
builds one :class:`Validator` (hence one processor and its compiled stylesheets)
in the pool initializer and keeps it for its lifetime; the parent never touches
Saxon when ``workers > 0``. Throughput scales with a ``spawn`` process pool.

Failure policy (the issue's rule: a validator that did not run is never "valid"):

- a worker that dies (``kill -9``, native crash) breaks the pool: it is rebuilt
  and every document that had not returned is validated again, up to
  ``max_retries`` times; after that its report is one fatal ``rule-engine-error``
  finding on layer ``engine``;
- a document that takes longer than ``timeout`` seconds (counted from its
  submission, which includes the wait behind at most ``2 × workers`` others)
  gets the same kind of finding; its worker is stopped (a running task cannot be
  cancelled otherwise), the pool rebuilt, and the other documents in flight are
  resubmitted without counting it against their retries;
- any other unexpected exception while validating one document becomes an
  engine-error finding on that document; only :class:`~formats.errors.ArtefactError`
  and :class:`~formats.errors.ConfigError` (validation cannot run at all) propagate.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from formats.errors import AiguillageError
from formats.validation.artefacts import ArtefactStore
from formats.validation.engine import Validator
from formats.validation.findings import ValidationReport
from formats.validation.layers import Layer
from formats.validation.native import native_checks
from formats.validation.pool_worker import (
    ENGINE_LAYER,
    engine_error,
    init_worker,
    ping,
    validate_in_worker,
    validate_safely,
)
from formats.xml_safety import DEFAULT_MAX_BYTES

if TYPE_CHECKING:
    from multiprocessing.queues import Queue

__all__ = [
    "COMMON_ARTEFACTS",
    "DEFAULT_TIMEOUT",
    "ENGINE_LAYER",
    "ValidationPool",
    "engine_error",
    "validate_safely",
]

log = logging.getLogger(__name__)

#: Artefacts :meth:`ValidationPool.warm_up` loads in every worker: the syntax
#: schemas and the CEN, BR-FR and Factur-X EN 16931 rules for UBL and CII.
COMMON_ARTEFACTS = (
    "xsd:ubl-invoice",
    "xsd:cii-d16b",
    "xsd:facturx-en16931",
    "xslt:cen-ubl",
    "xslt:cen-cii",
    "xslt:brfr-ubl",
    "xslt:brfr-cii",
    "xslt:facturx-en16931",
)
#: Seconds one document may take before its report becomes an engine error.
DEFAULT_TIMEOUT = 120.0

# Seconds to wait for a worker to start (import saxonche, compile the warm set).
_START_TIMEOUT = 300.0


# --- parent side -----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Job:
    index: int
    name: str
    data: bytes
    submitted: float = 0.0
    attempts: int = 0  # times a worker died while this document was in flight


@dataclass(slots=True)
class _Generation:
    """One ProcessPoolExecutor and what its workers reported when they started."""

    executor: ProcessPoolExecutor
    ready: Queue[tuple[int, float, str | None]]
    workers: int
    started: dict[int, float]

    def wait_ready(self, timeout: float) -> None:
        # Force every worker to exist: with ``spawn`` the executor starts one
        # process per submission until it has ``workers`` of them.
        pings = [self.executor.submit(ping) for _ in range(self.workers - len(self.started))]
        deadline = time.monotonic() + timeout
        while len(self.started) < self.workers:
            try:
                pid, seconds, error = self.ready.get(timeout=min(1.0, max(0.0, deadline - time.monotonic())))
            except queue.Empty:
                if time.monotonic() >= deadline:
                    raise TimeoutError(f"validator workers did not start within {timeout:.0f} s") from None
                if any(p.done() and p.exception() is not None for p in pings):
                    raise RuntimeError("a validator worker died while starting") from None
                continue
            if error is not None:
                raise RuntimeError(f"a validator worker failed to start: {error}")
            self.started[pid] = seconds
        wait(pings)


class ValidationPool:
    """Validate documents in a pool of long-lived worker processes, each with one warm :class:`Validator`.

    Thread-safe: an API server may call :meth:`validate` from several threads.
    With ``workers=0`` documents are validated in this process (tests, tiny runs);
    there is then no crash isolation and no timeout.

    Use as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        workers: int | None = None,
        *,
        store_dir: Path | None = None,
        native: bool = True,
        max_retries: int = 1,
        timeout: float = DEFAULT_TIMEOUT,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        """Prepare the pool; worker processes start on first use or :meth:`warm_up`.

        :param workers: worker processes; ``None`` means ``os.cpu_count()``; 0 validates in-process.
        :param store_dir: the official artefacts directory; ``None`` reads ``AIGUILLAGE_ARTEFACTS``.
        :param native: run the native pre-checks (:mod:`formats.validation.native`).
        :param max_retries: how many times a document is validated again after its worker died.
        :param timeout: seconds one document may take (from submission) before it is an engine error.
        :param max_bytes: refuse documents larger than this.
        :raises ConfigError: ``AIGUILLAGE_ARTEFACTS`` names something that is not a directory.
        """
        if workers is not None and workers < 0:
            raise ValueError("workers must be >= 0")
        self.workers = (os.cpu_count() or 1) if workers is None else workers
        # Checked here, in the parent, so that a wrong setting is a ConfigError now
        # rather than workers that fail to start later.
        self._store = ArtefactStore(store_dir.resolve()) if store_dir is not None else ArtefactStore.from_env()
        self._use_env = store_dir is None
        self._native = native
        self._max_retries = max_retries
        self._timeout = timeout
        self._max_bytes = max_bytes
        self._warm: tuple[str, ...] = ()
        self._lock = threading.Lock()
        self._generation: _Generation | None = None
        self._local: Validator | None = None
        self._closed = False
        self.restarts = 0
        """How many times the worker processes were replaced (crash or timeout)."""

    # -- lifecycle

    def __enter__(self) -> ValidationPool:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        """Stop the worker processes (waiting for running documents); the pool cannot be used afterwards."""
        with self._lock:
            self._closed = True
            generation, self._generation = self._generation, None
        if generation is not None:
            generation.executor.shutdown(wait=True, cancel_futures=True)
            generation.ready.close()

    def warm_up(self, artefacts: Iterable[str] = COMMON_ARTEFACTS) -> dict[int, float]:
        """Start every worker and load artefacts in each, so that no document pays for their compilation.

        Workers started later (after a crash) load them too.

        :param artefacts: artefact ids; those the store does not have are left out.
        :return: seconds each worker took to start and compile, by process id
            (in-process: this process's id).
        :raises RuntimeError: a worker could not start.
        """
        warm = tuple(a for a in artefacts if self._store.is_available(a))
        if self.workers == 0:
            self._warm = warm
            started = time.perf_counter()
            self._local_validator().preload(warm)
            return {os.getpid(): time.perf_counter() - started}
        with self._lock:
            generation = self._generation
            if generation is not None and warm != self._warm:
                # Workers load the warm set when they start: start them again with it.
                generation.executor.shutdown(wait=True, cancel_futures=True)
                generation.ready.close()
                self._generation = None
            self._warm = warm
        return dict(self._ready_generation().started)

    def worker_pids(self) -> tuple[int, ...]:
        """Start the workers if needed and return their process ids (empty when in-process)."""
        if self.workers == 0:
            return ()
        return tuple(self._ready_generation().started)

    def _ready_generation(self) -> _Generation:
        generation = self._current()
        with self._lock:
            generation.wait_ready(_START_TIMEOUT)
        return generation

    def _current(self) -> _Generation:
        with self._lock:
            if self._closed:
                raise RuntimeError("the validation pool is closed")
            if self._generation is None:
                self._generation = self._start()
            return self._generation

    def _start(self) -> _Generation:
        context = multiprocessing.get_context("spawn")
        ready: Queue[tuple[int, float, str | None]] = context.Queue()
        executor = ProcessPoolExecutor(
            max_workers=self.workers,
            mp_context=context,
            initializer=init_worker,
            initargs=(self._store.artefacts_dir, self._use_env, self._native, self._max_bytes, self._warm, ready),
        )
        return _Generation(executor, ready, self.workers, {})

    def _replace(self, broken: _Generation, *, kill: bool) -> None:
        """Replace a generation of workers (once, even if several callers saw it fail)."""
        if kill:
            # A running task cannot be cancelled: stop the processes (Python 3.14
            # has ProcessPoolExecutor.terminate_workers(); 3.11 does not).
            for process in list(broken.executor._processes.values()):
                process.kill()
        broken.executor.shutdown(wait=False, cancel_futures=True)
        with self._lock:
            if self._generation is broken:
                self._generation = None
                self.restarts += 1
                log.warning("validator workers replaced (%s)", "timeout" if kill else "a worker died")
        broken.ready.close()

    def _local_validator(self) -> Validator:
        with self._lock:
            if self._local is None:
                store = self._store
                native = native_checks if self._native else None
                self._local = Validator(store, native_checks=native, max_bytes=self._max_bytes)
            return self._local

    # -- validation

    def validate(
        self,
        data: bytes,
        *,
        layers: Sequence[Layer] | None = None,
        french: bool | None = None,
        source: str | None = None,
    ) -> ValidationReport:
        """Validate one document in a worker.

        :param layers: run exactly these; ``None`` chooses from the syntax, BT-24 and ``french``.
        :param french: force BR-FR on or off; ``None`` decides from the seller's country.
        :param source: the document's name, for messages.
        :return: its report; never "valid" when the validator could not run.
        :raises ArtefactError: an artefact a chosen layer needs is missing.
        """
        for _, report in self.validate_many([(source or "-", data)], layers=layers, french=french):
            return report
        raise AssertionError("validate_many yielded nothing")  # pragma: no cover

    def validate_many(
        self,
        items: Iterable[tuple[str, bytes]],
        *,
        layers: Sequence[Layer] | None = None,
        french: bool | None = None,
        ordered: bool = False,
    ) -> Iterator[tuple[str, ValidationReport]]:
        """Validate many documents, yielding ``(name, report)`` for each.

        ``items`` is consumed lazily: at most ``2 × workers`` documents are held at
        once (submitted, running, or done but waiting for their turn when
        ``ordered``), so memory stays bounded on any corpus size.

        :param items: ``(name, document bytes)`` pairs; names are passed through, not read.
        :param ordered: yield in input order; by default results come as they complete,
            so one slow document does not hold back the others.
        :raises ArtefactError: an artefact a chosen layer needs is missing.
        """
        chosen = tuple(layers) if layers is not None else None
        if self.workers == 0:
            validator = self._local_validator()
            for name, data in items:
                yield name, validate_safely(validator, data, layers=chosen, french=french, source=name)
            return
        yield from self._run_batch(iter(items), chosen, french, ordered)

    def _run_batch(
        self,
        source: Iterator[tuple[str, bytes]],
        layers: tuple[Layer, ...] | None,
        french: bool | None,
        ordered: bool,
    ) -> Iterator[tuple[str, ValidationReport]]:
        window = 2 * self.workers
        pending: dict[Future[ValidationReport], _Job] = {}
        again: deque[_Job] = deque()
        held: dict[int, tuple[str, ValidationReport]] = {}  # done, waiting for their turn (ordered)
        next_out = 0
        count = 0
        exhausted = False
        generation = self._current()
        try:
            while True:
                while len(pending) + len(held) < window:
                    if again:
                        job = again.popleft()
                    elif not exhausted:
                        try:
                            name, data = next(source)
                        except StopIteration:
                            exhausted = True
                            continue
                        job = _Job(count, name, data)
                        count += 1
                    else:
                        break
                    job.submitted = time.monotonic()
                    try:
                        future = generation.executor.submit(validate_in_worker, job.data, layers, french, job.name)
                    except (BrokenProcessPool, RuntimeError):
                        # Broken (or shut down by another caller after a crash): start
                        # afresh; nothing of this job has run yet, so no retry is spent.
                        self._replace(generation, kill=False)
                        generation = self._current()
                        again.appendleft(job)
                        continue
                    pending[future] = job
                if not pending:
                    break
                earliest = min(job.submitted for job in pending.values()) + self._timeout
                done, _ = wait(pending, timeout=max(0.0, earliest - time.monotonic()), return_when=FIRST_COMPLETED)
                finished: list[tuple[_Job, ValidationReport]] = []
                died: list[_Job] = []
                for future in done:
                    job = pending.pop(future)
                    self._collect(future, job, finished, died)
                now = time.monotonic()
                expired = [f for f, job in pending.items() if now - job.submitted >= self._timeout]
                if died or expired:
                    if expired:
                        for future in expired:
                            job = pending.pop(future)
                            message = (
                                f"validation did not finish within {self._timeout:g} s; "
                                "the validator worker was stopped and the document was not validated"
                            )
                            finished.append((job, engine_error(message)))
                    self._replace(generation, kill=bool(expired))
                    # Every future of the dead executor now ends: some with their
                    # result (they returned before the death), the others broken.
                    survivors: list[_Job] = []
                    wait(pending, timeout=60)
                    for future, job in pending.items():
                        self._collect(future, job, finished, survivors)
                    pending.clear()
                    if not died:
                        # Stopped by us because another document overran: not their fault.
                        again.extend(survivors)
                    for job in [*died, *(survivors if died else [])]:
                        job.attempts += 1
                        if job.attempts > self._max_retries:
                            message = (
                                f"the validator worker died while validating this document "
                                f"({job.attempts} attempt{'s' if job.attempts > 1 else ''}); it was not validated"
                            )
                            finished.append((job, engine_error(message)))
                        else:
                            again.append(job)
                    generation = self._current()
                for job, report in finished:
                    job.data = b""
                    if not ordered:
                        yield job.name, report
                    else:
                        held[job.index] = (job.name, report)
                while next_out in held:
                    yield held.pop(next_out)
                    next_out += 1
        finally:
            for future in pending:
                future.cancel()

    @staticmethod
    def _collect(
        future: Future[ValidationReport],
        job: _Job,
        finished: list[tuple[_Job, ValidationReport]],
        died: list[_Job],
    ) -> None:
        if not future.done() or future.cancelled():
            died.append(job)
            return
        error = future.exception()
        if error is None:
            finished.append((job, future.result()))
        elif isinstance(error, BrokenProcessPool):
            died.append(job)
        elif isinstance(error, AiguillageError):
            raise error
        else:
            # The worker's own wrapper turns document errors into findings; what is
            # left (e.g. an unpicklable result) is still not a verdict.
            finished.append((job, engine_error(f"validator failed: {type(error).__name__}: {error}")))
