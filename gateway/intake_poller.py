"""Poll the configured intake channels (watched folders, SFTP mailboxes) and take their files in.

Each channel is polled by one worker at a time, whichever holds its named lease, so
several workers never race on the same remote files. A file is confirmed (archived
or removed at the source) only after :func:`gateway.intake.submit` committed it: a
crash between the two leaves the file in place, and the next poll submits it again,
which intake records as a duplicate of the stored invoice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from formats.errors import AiguillageError, ConfigError
from gateway.intake import submit
from gateway.store.claims import hold_lease
from gateway.transports.base import Intake
from gateway.transports.registry import intake_class

__all__ = ["IntakePoller", "IntakeSpec", "intake_specs"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IntakeSpec:
    """One intake channel from ``gateway.yaml``."""

    type: str
    name: str
    params: Mapping[str, Any]
    where: str
    partner_id: str | None = None


def intake_specs(items: object, *, where: str) -> tuple[IntakeSpec, ...]:
    """Read the ``intake`` list of ``gateway.yaml``.

    :raises ConfigError: not a list of mappings with a ``type``, or a name used twice.
    """
    if items is None:
        return ()
    if not isinstance(items, list):
        raise ConfigError("intake must be a list of channels", path=f"{where}: intake")
    specs: list[IntakeSpec] = []
    for index, item in enumerate(items):
        key = f"{where}: intake[{index}]"
        if not isinstance(item, dict) or not isinstance(item.get("type"), str):
            raise ConfigError("each intake channel needs a type (folder, sftp)", path=key)
        name = str(item.get("name", f"{item['type']}-{index}"))
        if any(spec.name == name for spec in specs):
            raise ConfigError(f"intake name {name!r} is used twice", path=f"{key}.name")
        params = {k: v for k, v in item.items() if k not in ("type", "name", "partner")}
        specs.append(IntakeSpec(item["type"], name, params, key, item.get("partner")))
    return tuple(specs)


class IntakePoller:
    """Polls every intake channel this worker holds the lease of."""

    def __init__(
        self,
        engine: Engine,
        specs: Sequence[IntakeSpec],
        *,
        owner: str,
        base: Path,
        clock: Callable[[], dt.datetime],
        lease: dt.timedelta = dt.timedelta(seconds=30),
    ) -> None:
        self.engine = engine
        self._specs = specs
        self._owner = owner
        self._base = base
        self._clock = clock
        self._lease = lease
        self._open: dict[str, Intake] = {}

    def poll_once(self) -> int:
        """Take in what every held channel has ready; return how many files were stored."""
        taken = 0
        for spec in self._specs:
            if not hold_lease(
                self.engine, f"intake:{spec.name}", owner=self._owner, now=self._clock(), duration=self._lease
            ):
                continue
            try:
                taken += self._poll(spec)
            except AiguillageError as exc:
                log.warning("intake %s: %s", spec.name, exc.one_line())
        return taken

    def _poll(self, spec: IntakeSpec) -> int:
        intake = self._open.get(spec.name)
        if intake is None:
            cls = intake_class(spec.type)
            intake = cls.from_config(dict(spec.params), where=spec.where, base=self._base, partner_id=spec.partner_id)
            self._open[spec.name] = intake
        count = 0
        for item in intake.poll():
            submit(self.engine, item.content, filename=item.name, source=item.source, clock=self._clock)
            intake.confirm(item)
            count += 1
        return count

    def close(self) -> None:
        for intake in self._open.values():
            intake.close()
        self._open.clear()
