"""The simulator's directory: PISTE applications, technical accounts, structures, services, EJs.

Loaded from a YAML fixture (``demo.yaml`` beside this module by default), with
kebab-case keys; an unknown key or a missing one is a :class:`ConfigError`
naming the file and the key path.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml

from formats.errors import ConfigError

__all__ = ["DEMO_FIXTURE", "Account", "Application", "Directory", "Service", "Structure", "load_directory"]

DEMO_FIXTURE = Path(__file__).with_name("demo.yaml")
"""The demo directory shipped with the simulator."""


@dataclass(frozen=True, slots=True)
class Application:
    """A PISTE application: OAuth2 client credentials, and whether it subscribed to Chorus Pro."""

    client_id: str
    client_secret: str
    subscribed: bool = True
    """``False`` makes every API call answer 403 with an empty body, as PISTE does."""


@dataclass(frozen=True, slots=True)
class Account:
    """A Chorus Pro technical account (``cpro-account``), attached to one structure."""

    login: str
    password: str
    structure_id: int


@dataclass(frozen=True, slots=True)
class Service:
    """A service of a structure (``codeService`` is what BT-10 holds)."""

    service_id: int
    code: str
    label: str
    active: bool = True
    """``estActif``."""
    commitment_required: bool = False
    """``parametres.numeroEngagement``."""


@dataclass(frozen=True, slots=True)
class Structure:
    """A structure (public buyer or supplier) with its obligation flags."""

    structure_id: int
    """``idStructureCPP``."""
    siret: str
    """``identifiantStructure`` (``typeIdentifiantStructure`` SIRET)."""
    name: str
    """``raisonSocialeStructure`` / ``designationStructure``."""
    public: bool = True
    active: bool = True
    service_code_required: bool = False
    """``codeServiceDoitEtreRenseigne``."""
    commitment_required: bool = False
    """``numeroEJDoitEtreRenseigne``."""
    commitment_or_service: bool = False
    """``gestionNumeroEJOuCodeService``."""
    services: tuple[Service, ...] = ()
    commitments: tuple[str, ...] = ()
    """EJ numbers in state ``COMMANDE``."""

    def service(self, code: str) -> Service | None:
        """Return the service whose code is ``code``."""
        return next((s for s in self.services if s.code == code), None)


@dataclass(frozen=True, slots=True)
class Directory:
    """Everything the simulator knows before the first call."""

    applications: tuple[Application, ...]
    accounts: tuple[Account, ...]
    structures: tuple[Structure, ...]

    def structure_by_siret(self, siret: str) -> Structure | None:
        """Return the structure with this SIRET."""
        return next((s for s in self.structures if s.siret == siret), None)

    def structure_by_id(self, structure_id: int) -> Structure | None:
        """Return the structure with this ``idStructureCPP``."""
        return next((s for s in self.structures if s.structure_id == structure_id), None)


class _Reader:
    """Reads one mapping of the fixture, remembering which keys were used."""

    def __init__(self, data: object, where: str) -> None:
        if not isinstance(data, Mapping):
            raise ConfigError("expected a mapping", path=where)
        self.data = data
        self.where = where
        self.used: set[str] = set()

    def get(self, key: str, kind: type | tuple[type, ...], default: object = ...) -> object:
        self.used.add(key)
        if key not in self.data:
            if default is ...:
                raise ConfigError(f"missing key {key!r}", path=self.where)
            return default
        value = self.data[key]
        if (isinstance(value, bool) and kind is not bool) or not isinstance(value, kind):
            raise ConfigError(f"unexpected value {value!r}", path=f"{self.where}.{key}")
        return value

    def text(self, key: str) -> str:
        return str(self.get(key, (str, int)))

    def flag(self, key: str, default: bool) -> bool:
        return bool(self.get(key, bool, default))

    def items(self, key: str) -> list[object]:
        value = self.get(key, list, [])
        assert isinstance(value, list)
        return value

    def done(self) -> None:
        unknown = sorted(set(map(str, self.data)) - self.used)
        if unknown:
            raise ConfigError(f"unknown keys: {', '.join(unknown)}", path=self.where)


def _service(data: object, where: str) -> Service:
    r = _Reader(data, where)
    service = Service(
        int(r.text("id")), r.text("code"), r.text("label"), r.flag("active", True), r.flag("commitment-required", False)
    )
    r.done()
    return service


def _structure(data: object, where: str) -> Structure:
    r = _Reader(data, where)
    structure = Structure(
        structure_id=int(r.text("id")),
        siret=r.text("siret"),
        name=r.text("name"),
        public=r.flag("public", True),
        active=r.flag("active", True),
        service_code_required=r.flag("service-code-required", False),
        commitment_required=r.flag("commitment-required", False),
        commitment_or_service=r.flag("commitment-or-service", False),
        services=tuple(_service(s, f"{where}.services[{i}]") for i, s in enumerate(r.items("services"))),
        commitments=tuple(str(c) for c in r.items("commitments")),
    )
    r.done()
    return structure


def load_directory(path: Path = DEMO_FIXTURE) -> Directory:
    """Load a directory fixture.

    :raises ConfigError: unreadable file, unknown or missing key, wrong type, dangling reference.
    """
    where = path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read the simulator fixture: {exc}", path=str(path)) from exc
    root = _Reader(data, where)
    structures = tuple(_structure(s, f"{where}.structures[{i}]") for i, s in enumerate(root.items("structures")))
    by_siret = {s.siret: s.structure_id for s in structures}
    applications = []
    for i, item in enumerate(root.items("applications")):
        r = _Reader(item, f"{where}.applications[{i}]")
        applications.append(Application(r.text("client-id"), r.text("client-secret"), r.flag("subscribed", True)))
        r.done()
    accounts = []
    for i, item in enumerate(root.items("accounts")):
        r = _Reader(item, f"{where}.accounts[{i}]")
        siret = r.text("structure")
        if siret not in by_siret:
            raise ConfigError(f"no structure has SIRET {siret}", path=f"{r.where}.structure")
        accounts.append(Account(r.text("login"), r.text("password"), by_siret[siret]))
        r.done()
    root.done()
    return Directory(tuple(applications), tuple(accounts), structures)
