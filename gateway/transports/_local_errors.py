"""Edge mapping for local file-system calls (STYLE.md §10): ``OSError`` → our transport errors.

Permanent means a human must change something (permissions, a file where a
directory should be, a name too long); everything else, including a missing
directory, is transient, since a network mount that went away may come back and
the outbox caps the retries anyway.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from gateway.errors import PermanentTransportError, TransientTransportError, TransportError

__all__ = ["OS_ERROR_TABLE", "map_os_errors"]

OS_ERROR_TABLE: Final[tuple[tuple[type[OSError], type[TransportError]], ...]] = (
    (PermissionError, PermanentTransportError),
    (IsADirectoryError, PermanentTransportError),
    (NotADirectoryError, PermanentTransportError),
    (FileNotFoundError, TransientTransportError),
    (FileExistsError, TransientTransportError),
    (BlockingIOError, TransientTransportError),
    (ChildProcessError, TransientTransportError),
    (ConnectionError, TransientTransportError),
    (InterruptedError, TransientTransportError),
    (ProcessLookupError, TransientTransportError),
    (TimeoutError, TransientTransportError),
)
"""Most specific first; a plain ``OSError`` falls to :data:`_PERMANENT_ERRNOS` or transient."""

_PERMANENT_ERRNOS: Final = frozenset({errno.ENAMETOOLONG, errno.EROFS, errno.EINVAL})


def _classify(exc: OSError) -> type[TransportError]:
    for cls, ours in OS_ERROR_TABLE:
        if isinstance(exc, cls):
            return ours
    return PermanentTransportError if exc.errno in _PERMANENT_ERRNOS else TransientTransportError


@contextmanager
def map_os_errors(doing: str) -> Iterator[None]:
    """Raise our transport error, ``from`` the original, for an ``OSError`` inside the block.

    :param doing: what the block does, e.g. ``write /data/out/x.xml``; starts the message.
    :raises TransientTransportError: a failure a later attempt may overcome.
    :raises PermanentTransportError: permissions or a wrong kind of path.
    """
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise _classify(exc)(f"{doing}: {reason}") from exc
