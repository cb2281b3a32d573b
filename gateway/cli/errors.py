"""Turn library errors into one-line messages and exit codes, in one place.

A traceback is shown only with ``--verbose``; scripts rely on the exit codes.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import click
import sqlalchemy.exc

from formats.errors import AiguillageError, ArtefactError, ConfigError, FormatError
from gateway.errors import NotFound, Refused, StoreError, TransportError

__all__ = ["EXIT_CODES", "fail", "exception_manager"]

log = logging.getLogger(__name__)

#: Exit status by outcome. Documented in ``gateway --help`` and the README.
EXIT_CODES = {
    "ok": 0,
    "invalid": 1,  # a document was read but did not pass validation
    "usage": 2,  # click's own code for bad arguments
    "input": 3,  # the input could not be read as an invoice (FormatError)
    "config": 4,  # configuration or official artefacts missing/wrong
    "io": 5,  # a file could not be read or written
    "not-found": 6,  # no such invoice, delivery or partner
    "refused": 7,  # the operation does not apply (nothing to retry, already delivered)
    "store": 8,  # the database is unreachable or refused the operation
    "peer": 9,  # a partner or platform (Chorus Pro, SFTP, AS2) refused or could not be reached
    "internal": 70,  # a bug: please report it with --verbose output
}


def exit_code_for(error: BaseException) -> int:
    """Return the exit status for an error."""
    if isinstance(error, FormatError):
        return EXIT_CODES["input"]
    if isinstance(error, ConfigError | ArtefactError):
        return EXIT_CODES["config"]
    if isinstance(error, OSError):
        return EXIT_CODES["io"]
    if isinstance(error, NotFound):
        return EXIT_CODES["not-found"]
    if isinstance(error, Refused):
        return EXIT_CODES["refused"]
    if isinstance(error, StoreError):
        return EXIT_CODES["store"]
    if isinstance(error, TransportError) or (isinstance(error, AiguillageError) and error.code.startswith("chorus")):
        # chorus/ cannot subclass gateway's TransportError (one-way layers): its errors are told by code.
        return EXIT_CODES["peer"]
    return EXIT_CODES["internal"]


def fail(message: str, code: int) -> NoReturn:
    """Print ``message`` on stderr as one line and exit with ``code``."""
    click.echo(f"gateway: error: {' '.join(message.split())}", err=True)
    sys.exit(code)


@contextmanager
def exception_manager(verbose: bool) -> Iterator[None]:
    """Run a command body, mapping every error to a one-line message and exit code."""
    try:
        yield
    except AiguillageError as exc:
        if verbose:
            log.exception("command failed")
        fail(f"[{exc.code}] {exc.one_line()}", exit_code_for(exc))
    except OSError as exc:
        if verbose:
            log.exception("command failed")
        target = f"{exc.filename}: " if exc.filename else ""
        fail(f"{target}{exc.strerror or exc}", EXIT_CODES["io"])
    except sqlalchemy.exc.OperationalError as exc:
        if verbose:
            log.exception("database error")
        fail(f"[store] database unreachable or refused: {str(exc.orig).splitlines()[0]}", EXIT_CODES["store"])
    except MemoryError:
        fail("out of memory while processing the input", EXIT_CODES["input"])
    except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt):
        raise
    except Exception as exc:  # the one place where anything else is caught, to keep output to one line
        if verbose:
            log.exception("unexpected error")
        fail(
            f"internal error ({type(exc).__name__}: {exc}); rerun with --verbose and report it", EXIT_CODES["internal"]
        )
