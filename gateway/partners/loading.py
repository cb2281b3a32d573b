"""Load partner profiles from ``partners/*.yaml``, reporting every problem with file, line and key.

A file is checked against ``schemas/partner.schema.json`` first; then each
channel's own keys are checked by the channel (its ``from_config``), so a typo
in ``channels[0].port`` is reported like a typo at the top level. A directory is
loaded file by file: one broken file does not hide the others.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from formats.config_schema import Problem, check_schema, format_key, key_lines, load_schema
from formats.edifact.eancom import load_profile
from formats.errors import ConfigError
from gateway.partners.profile import Channel, Identifiers, Partner, RetryPolicy
from gateway.transports.registry import transport_class

__all__ = ["FileReport", "load_partner_file", "load_partner_text", "partner_files"]


@dataclass(frozen=True, slots=True)
class FileReport:
    """The outcome of loading one partner file."""

    path: Path
    partner: Partner | None
    """``None`` when the file has errors."""
    problems: tuple[str, ...]
    """Each as ``file:line: key: message``."""

    @property
    def ok(self) -> bool:
        return self.partner is not None and not self.problems


def partner_files(directory: Path) -> list[Path]:
    """Return the profile files of a directory, sorted (``.yaml`` and ``.yml``; ``_``-prefixed skipped)."""
    if not directory.is_dir():
        return []
    return sorted(
        path
        for path in directory.iterdir()
        if path.suffix in (".yaml", ".yml") and not path.name.startswith(("_", ".")) and path.is_file()
    )


def load_partner_file(path: Path, *, check_channels: bool = True) -> FileReport:
    """Load one profile file; never raises for a bad file, reports it."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return FileReport(path, None, (f"{path}: cannot read: {exc}",))
    return load_partner_text(text, path, check_channels=check_channels)


def load_partner_text(text: str, path: Path, *, check_channels: bool = True) -> FileReport:
    """Load a profile from its text; ``path`` names it (its stem is the partner id)."""
    shown = str(path)
    try:
        data = yaml.safe_load(text)
        lines = key_lines(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        return FileReport(path, None, (f"{shown}{line}: not valid YAML: {getattr(exc, 'problem', exc)}",))
    problems = check_schema(data, load_schema("partner"), lines)
    if problems:
        return FileReport(path, None, tuple(_render(problem, shown) for problem in problems))
    assert isinstance(data, dict)
    messages: list[str] = []
    if not data["identifiers"]:
        messages.append(f"{shown}:{lines.get(('identifiers',), '?')}: identifiers: give at least one identifier")
    channels = _channels(data.get("channels", []), shown, lines, path.parent, messages, check=check_channels)
    receives = data.get("receives", {})
    eancom = None
    if "eancom-profile" in receives:
        try:
            eancom = load_profile(path.parent / receives["eancom-profile"])
        except ConfigError as exc:
            messages.append(
                f"{shown}:{lines.get(('receives', 'eancom-profile'), '?')}: receives.eancom-profile: {exc.one_line()}"
            )
    if messages:
        return FileReport(path, None, tuple(messages))
    partner = Partner(
        id=path.stem,
        name=data["name"],
        identifiers=_identifiers(data["identifiers"]),
        receives=tuple(data.get("receives", {}).get("formats", ("ubl",))),
        validate=tuple(data.get("receives", {}).get("validate", ())),
        eancom_profile=eancom,
        interchange_id=receives.get("interchange-id"),
        sends=tuple(data.get("sends", {}).get("formats", ())),
        channels=channels,
        retry=_retry(data.get("retry", {})),
        segment=data.get("segment"),
        enabled=data.get("enabled", True),
        source=path,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
    )
    return FileReport(path, partner, ())


def _render(problem: Problem, shown: str) -> str:
    line = f":{problem.line}" if problem.line is not None else ""
    key = format_key(problem.key) or "(top level)"
    return f"{shown}{line}: {key}: {problem.message}"


def _identifiers(data: Mapping[str, str]) -> Identifiers:
    return Identifiers(
        siren=data.get("siren"),
        siret=data.get("siret"),
        vat=data.get("vat"),
        gln=data.get("gln"),
        peppol=data.get("peppol"),
        e_address=data.get("e-address"),
    )


def _retry(data: Mapping[str, Any]) -> RetryPolicy:
    default = RetryPolicy()
    return RetryPolicy(
        max_attempts=int(data.get("max-attempts", default.max_attempts)),
        initial_delay=float(data.get("initial-delay", default.initial_delay)),
        max_delay=float(data.get("max-delay", default.max_delay)),
        multiplier=float(data.get("multiplier", default.multiplier)),
        jitter=float(data.get("jitter", default.jitter)),
    )


def _channels(
    items: Iterable[Mapping[str, Any]],
    shown: str,
    lines: Mapping[tuple[str | int, ...], int],
    base: Path,
    messages: list[str],
    *,
    check: bool,
) -> tuple[Channel, ...]:
    channels: list[Channel] = []
    seen: set[str] = set()
    for index, item in enumerate(items):
        key = f"channels[{index}]"
        where = f"{shown}: {key}"
        name = str(item.get("name", item["type"]))
        if name in seen:
            messages.append(
                f"{_at(shown, lines, ('channels', index, 'name'))}: {key}.name: channel name {name!r} is used twice"
            )
            continue
        seen.add(name)
        params = {k: v for k, v in item.items() if k not in ("type", "name")}
        if check:
            try:
                cls = transport_class(item["type"])
                cls.config_class.from_config(params, where=where, base=base)
            except ConfigError as exc:
                messages.append(_channel_problem(exc, shown, where, index, lines))
                continue
        line = lines.get(("channels", index))
        channels.append(Channel(type=item["type"], name=name, params=params, where=f"{shown}:{line}: {key}"))
    return tuple(channels)


def _at(shown: str, lines: Mapping[tuple[str | int, ...], int], key: tuple[str | int, ...]) -> str:
    line = lines.get(key) or lines.get(key[:2])
    return f"{shown}:{line}" if line else shown


def _channel_problem(
    exc: ConfigError, shown: str, where: str, index: int, lines: Mapping[tuple[str | int, ...], int]
) -> str:
    """Place a channel's error on the line of the key it names (``…channels[0].port``), else of the channel."""
    path = exc.path or where
    key = path.removeprefix(where).lstrip(".").split(".", 1)[0] if path.startswith(where) else ""
    located = _at(shown, lines, ("channels", index, key) if key else ("channels", index))
    return f"{located}: {path.removeprefix(shown + ': ')}: {exc.message}"
