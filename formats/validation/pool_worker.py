"""The worker side of :mod:`formats.validation.pool`: what runs inside each validator process.

Also the two helpers both sides use: :func:`validate_safely` (one document's bug
becomes an engine-error finding, never an exception or "valid") and
:func:`engine_error`.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from formats.errors import ArtefactError, ConfigError, FormatError
from formats.validation.artefacts import ArtefactStore
from formats.validation.engine import Validator, input_failure
from formats.validation.findings import Finding, Flag, ValidationReport
from formats.validation.layers import Layer
from formats.validation.native import native_checks
from formats.validation.schematron import ENGINE_ERROR

if TYPE_CHECKING:
    from multiprocessing.queues import Queue

__all__ = ["ENGINE_LAYER", "engine_error", "init_worker", "ping", "validate_in_worker", "validate_safely"]

log = logging.getLogger(__name__)

#: Layer name of the findings the pool itself reports (worker died, timeout).
ENGINE_LAYER = "engine"


def engine_error(message: str) -> ValidationReport:
    """Return the report of a document the validator could not check: one fatal ``rule-engine-error``."""
    finding = Finding(rule=ENGINE_ERROR, flag=Flag.FATAL, layer=ENGINE_LAYER, location=None, message=message)
    return ValidationReport(syntax="unknown", profile=None, findings=(finding,), layers_run=())


def validate_safely(
    validator: Validator,
    data: bytes,
    *,
    layers: Sequence[Layer] | None = None,
    french: bool | None = None,
    source: str | None = None,
) -> ValidationReport:
    """Validate one document; a bug in a layer becomes an engine-error finding, not an exception.

    :raises ArtefactError: an artefact a chosen layer needs is missing (nothing can be validated).
    :raises ConfigError: the configuration is wrong (likewise).
    """
    try:
        return validator.validate(data, layers=layers, french=french, source=source)
    except (ArtefactError, ConfigError):
        raise
    except FormatError as exc:
        return input_failure(exc)
    except Exception as exc:  # one document's bug must not be reported as valid, nor stop a batch
        log.exception("validator failed on %s", source or "a document")
        return engine_error(f"validator raised {type(exc).__name__}: {' '.join(str(exc).split())[:300]}")


#
# The one piece of module state, imposed by saxonche: the worker's Validator (and
# through it the process's single PySaxonProcessor and its compiled stylesheets)
# must outlive each task, and ProcessPoolExecutor tasks are plain functions. Only
# worker processes set it, once, in the initializer, from their main thread.
_worker_validator: Validator | None = None


def init_worker(
    store_dir: Path | None,
    use_env: bool,
    native: bool,
    max_bytes: int,
    warm: tuple[str, ...],
    ready: Queue[tuple[int, float, str | None]],
) -> None:
    global _worker_validator  # see the comment above
    started = time.perf_counter()
    try:
        store = ArtefactStore.from_env() if use_env else ArtefactStore(store_dir)
        validator = Validator(store, native_checks=native_checks if native else None, max_bytes=max_bytes)
        validator.preload(warm)
    except BaseException as exc:
        ready.put((os.getpid(), time.perf_counter() - started, f"{type(exc).__name__}: {exc}"))
        raise
    _worker_validator = validator
    ready.put((os.getpid(), time.perf_counter() - started, None))


def validate_in_worker(
    data: bytes, layers: tuple[Layer, ...] | None, french: bool | None, source: str | None
) -> ValidationReport:
    if _worker_validator is None:
        raise RuntimeError("validator worker was not initialised")
    return validate_safely(_worker_validator, data, layers=layers, french=french, source=source)


def ping() -> int:
    return os.getpid()
