"""Read local input files with a size limit, and write outputs atomically (CLI, batch jobs)."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from formats.errors import InputTooLarge

__all__ = ["read_input", "write_output"]


def read_input(name: str, max_bytes: int) -> bytes:
    """Read a file (or ``-`` for stdin), refusing more than ``max_bytes`` before reading it all."""
    if name == "-":
        data = sys.stdin.buffer.read(max_bytes + 1)
    else:
        size = Path(name).stat().st_size
        if size > max_bytes:
            raise InputTooLarge(
                f"input is {size:,} bytes, over the {max_bytes:,}-byte limit (see --max-size)", path=name
            )
        with Path(name).open("rb") as handle:
            data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise InputTooLarge(f"input is over the {max_bytes:,}-byte limit (see --max-size)", path=name)
    return data


def write_output(name: str | None, data: bytes) -> None:
    """Write ``data`` to ``name`` atomically (temp file + rename), or to stdout."""
    if name is None or name == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    target = Path(name)
    target.parent.mkdir(parents=True, exist_ok=True)
    # A reader of the output directory (a watched folder) never sees half a file.
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        Path(tmp).replace(target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
