"""XSD layer: schema choice, BT-24 profiles, readable findings, lxml/xmlschema agreement, report shape."""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import xmlschema
from lxml import etree

from formats.errors import ArtefactError, UnsupportedFormat
from formats.validation import (
    LAYER_FX_XSD,
    LAYER_XSD,
    ArtefactStore,
    Finding,
    Flag,
    Syntax,
    ValidationReport,
    XsdValidator,
    choose_schemas,
    guideline_of,
    profile_from_guideline,
    syntax_of,
)
from formats.validation import xsd as xsd_module
from formats.xml_safety import parse_xml

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}

UBL_INVOICE = "ubl/cen/guide-example1.xml"
UBL_CREDITNOTE = "ubl/cen/ubl-tc434-creditnote1.xml"
CII_EN16931 = "cii/cen/CII_example1.xml"
CII_MINIMUM = "cii/facturx-profiles/factur-x-minimum.xml"
CII_D16B_ONLY = "cii/cen/CII_business_example_02.xml"  # valid D16B, not Factur-X EXTENDED
CII_ELEMENT_ORDER = "invalid/mutated/cii-fx__XSD-element-order.xml"
UBL_BAD_DATES = "invalid/peppol-ubl/PEPPOL-EN16931-F001__PEPPOL-EN16931-F001__t2.xml"


@pytest.fixture(scope="module")
def store(artefacts_dir: Path) -> ArtefactStore:
    return ArtefactStore(artefacts_dir)


@pytest.fixture(scope="module")
def validator(store: ArtefactStore) -> XsdValidator:
    return XsdValidator(store)


def _root(corpus_dir: Path, rel: str) -> etree._Element:
    return parse_xml((corpus_dir / rel).read_bytes(), source=rel)


# --- BT-24 → Factur-X profile ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("bt24", "profile"),
    [
        ("urn:factur-x.eu:1p0:minimum", "minimum"),
        ("urn:factur-x.eu:1p0:basicwl", "basicwl"),
        ("urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic", "basic"),
        ("urn:cen.eu:en16931:2017:compliant:factur-x.eu:1p0:basic", "basic"),  # ZUGFeRD 2.0 spelling
        ("urn:cen.eu:en16931:2017", "en16931"),
        ("  urn:cen.eu:en16931:2017\n", "en16931"),
        ("urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended", "extended"),
        ("urn:zugferd.de:2p0:minimum", "minimum"),
        ("urn:zugferd.de:2p0:basicwl", "basicwl"),
        ("urn:cen.eu:en16931:2017#compliant#urn:zugferd.de:2p0:basic", "basic"),
        ("urn:cen.eu:en16931:2017#conformant#urn:zugferd.de:2p0:extended", "extended"),
        ("urn:cen.eu:en16931:2017#compliant#urn:xeinkauf.de:kosit:xrechnung_3.0", "en16931"),
        ("urn:cen.eu:en16931:2017#compliant#urn:xoev-de:kosit:standard:xrechnung_1.2", "en16931"),
        ("urn:cen.eu:en16931:2017#conformant#urn:xeinkauf.de:kosit:extension:xrechnung_3.0", None),
        ("urn:cen.eu:en16931:2017#conformant#urn.cpro.gouv.fr:1p0:extended-ctc-fr", None),
        ("urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0", None),
        ("urn:ferd:CrossIndustryDocument:invoice:1p0:comfort", None),
        ("", None),
        (None, None),
    ],
)
def test_profile_from_guideline(bt24: str | None, profile: str | None) -> None:
    assert profile_from_guideline(bt24) == profile


# --- syntax and BT-24 from the document ---------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "syntax", "bt24"),
    [
        (UBL_INVOICE, Syntax.UBL_INVOICE, "urn:cen.eu:en16931:2017"),
        (UBL_CREDITNOTE, Syntax.UBL_CREDITNOTE, "urn:cen.eu:en16931:2017"),
        (CII_MINIMUM, Syntax.CII, "urn:factur-x.eu:1p0:minimum"),
        ("edifact/cen-xml-iso20625/EDIFACT_EXAMPLE1.xml", Syntax.EDIFACT_XML, None),
        ("cii/zugferd-1.0-legacy/zugferd-basic.xml", None, "urn:ferd:CrossIndustryDocument:invoice:1p0:basic"),
    ],
)
def test_syntax_and_guideline(corpus_dir: Path, rel: str, syntax: Syntax | None, bt24: str | None) -> None:
    root = _root(corpus_dir, rel)
    assert syntax_of(root) == syntax
    if syntax is not None:
        assert guideline_of(root) == bt24


# --- which schemas ------------------------------------------------------------------------------


def test_choose_schemas_ubl() -> None:
    assert choose_schemas("ubl-invoice", None, "urn:cen.eu:en16931:2017") == [("xsd:ubl-invoice", LAYER_XSD)]
    assert choose_schemas(Syntax.UBL_CREDITNOTE, "en16931", None) == [("xsd:ubl-creditnote", LAYER_XSD)]


def test_choose_schemas_cii(store: ArtefactStore) -> None:
    assert choose_schemas("cii", None, None, store=store) == [("xsd:cii-d16b", LAYER_XSD)]
    assert choose_schemas("cii", "en16931", "urn:cen.eu:en16931:2017", store=store) == [
        ("xsd:cii-d16b", LAYER_XSD),
        ("xsd:facturx-en16931", LAYER_FX_XSD),
    ]
    assert choose_schemas("cii", "BASIC WL", None)[1] == ("xsd:facturx-basicwl", LAYER_FX_XSD)
    assert choose_schemas("cii", "xrechnung", None) == [("xsd:cii-d16b", LAYER_XSD)]


def test_choose_schemas_extended_ctc_fr_uses_d22b_only() -> None:
    bt24 = "urn:cen.eu:en16931:2017#conformant#urn.cpro.gouv.fr:1p0:extended-ctc-fr"
    assert choose_schemas("cii", "extended", bt24) == [("xsd:cii-d22b", LAYER_XSD)]
    assert choose_schemas("ubl-invoice", None, bt24) == [("xsd:ubl-invoice", LAYER_XSD)]


def test_choose_schemas_cii_without_artefacts_directory_falls_back_to_d22b() -> None:
    package_only = ArtefactStore(None)
    pairs = choose_schemas("cii", "minimum", None, store=package_only)
    assert pairs == [("xsd:cii-d22b", LAYER_XSD), ("xsd:facturx-minimum", LAYER_FX_XSD)]
    assert all(package_only.is_available(schema_id) for schema_id, _ in pairs)


def test_choose_schemas_other_syntaxes() -> None:
    assert choose_schemas("cdar", None, None) == [("xsd:cdar-d22b", LAYER_XSD)]
    assert choose_schemas("edifact-xml", None, None) == [("xsd:edifact-iso20625", LAYER_XSD)]
    with pytest.raises(UnsupportedFormat, match="no XSD for syntax 'ubl'"):
        choose_schemas("ubl", None, None)


# --- findings -------------------------------------------------------------------------------------


def test_valid_documents_have_no_findings(validator: XsdValidator, corpus_dir: Path) -> None:
    for rel in (UBL_INVOICE, UBL_CREDITNOTE, CII_EN16931, CII_MINIMUM):
        report = validator.validate_document(_root(corpus_dir, rel))
        assert report.valid, rel
        assert report.findings == ()


def test_invalid_document_yields_readable_path_and_message(validator: XsdValidator, corpus_dir: Path) -> None:
    report = validator.validate_document(_root(corpus_dir, CII_ELEMENT_ORDER))
    assert report.syntax == "cii"
    assert report.profile == "en16931"
    assert report.layers_run == (LAYER_XSD, LAYER_FX_XSD)
    assert not report.valid
    seller = (
        "/rsm:CrossIndustryInvoice/rsm:SupplyChainTradeTransaction"
        "/ram:ApplicableHeaderTradeAgreement/ram:SellerTradeParty"
    )
    assert [(f.layer, f.location) for f in report.findings] == [(LAYER_XSD, seller), (LAYER_FX_XSD, seller)]
    for finding in report.findings:
        assert finding.rule == "XSD"
        assert finding.flag is Flag.FATAL
        assert finding.message == "Unexpected child with tag 'ram:Name' at position 19 (element ram:SellerTradeParty)"


def test_value_errors_name_the_element(validator: XsdValidator, corpus_dir: Path) -> None:
    root = _root(corpus_dir, UBL_INVOICE)
    broken = copy.deepcopy(root)
    issue_date = broken.find(f"{{{CBC}}}IssueDate")
    assert issue_date is not None
    issue_date.text = "2017-02-30"
    findings = validator.validate(broken, "xsd:ubl-invoice", LAYER_XSD)
    assert findings == [
        Finding(
            rule="XSD",
            flag=Flag.FATAL,
            layer=LAYER_XSD,
            location="/Invoice/cbc:IssueDate",
            message="day is out of range for month (element cbc:IssueDate)",
        )
    ]
    assert "\n" not in findings[0].message


def test_findings_are_capped(store: ArtefactStore, corpus_dir: Path) -> None:
    root = copy.deepcopy(_root(corpus_dir, CII_EN16931))
    parents = root.xpath("//ram:SellerTradeParty | //ram:BuyerTradeParty | //rsm:ExchangedDocument", namespaces=NS)
    assert isinstance(parents, list) and len(parents) == 3
    for parent in parents:
        assert isinstance(parent, etree._Element)
        etree.SubElement(parent, f"{{{NS['ram']}}}Bogus")
    assert len(XsdValidator(store).validate(root, "xsd:cii-d16b", LAYER_XSD)) == 3
    findings = XsdValidator(store, max_findings=2).validate(root, "xsd:cii-d16b", LAYER_XSD)
    assert [f.flag for f in findings] == [Flag.FATAL, Flag.FATAL, Flag.INFORMATION]
    assert findings[-1].message == "more XSD errors not listed (limit 2)"


@pytest.mark.parametrize(
    ("rel", "schema_id"),
    [
        (UBL_INVOICE, "xsd:ubl-invoice"),
        (UBL_BAD_DATES, "xsd:ubl-invoice"),
        (UBL_CREDITNOTE, "xsd:ubl-creditnote"),
        ("invalid/cen-ubl-creditnote/BR-01__BR-01__t2.xml", "xsd:ubl-creditnote"),
        (CII_EN16931, "xsd:cii-d16b"),
        (CII_ELEMENT_ORDER, "xsd:cii-d16b"),
        (CII_D16B_ONLY, "xsd:facturx-extended"),
        (CII_MINIMUM, "xsd:facturx-minimum"),
        ("invalid/cen-cii/BR-CO-15__BR-CO-15-2__t2.xml", "xsd:cii-d16b"),
    ],
)
def test_lxml_and_xmlschema_agree(validator: XsdValidator, corpus_dir: Path, rel: str, schema_id: str) -> None:
    root = _root(corpus_dir, rel)
    lxml_says = validator.is_valid(root, schema_id)
    # The very xmlschema object the validator reports with (built once: seconds for UBL).
    validator.preload(schema_id, detailed=True)
    twin = validator._schemas[schema_id].detailed
    assert isinstance(twin, xmlschema.XMLSchema)
    assert twin.is_valid(root) == lxml_says
    findings = validator.validate(root, schema_id, LAYER_XSD)
    assert (findings == []) == lxml_says
    assert all(f.location and f.location.startswith("/") for f in findings)


def test_falls_back_to_the_lxml_log_when_xmlschema_cannot_load(
    store: ArtefactStore, corpus_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No official schema loads in libxml2 but not in xmlschema, so the refusal is simulated.
    def refuse(*args: object, **kwargs: object) -> None:
        raise xmlschema.XMLSchemaParseError(None, "simulated: unsupported construct")  # type: ignore[arg-type]

    monkeypatch.setattr(xsd_module.xmlschema, "XMLSchema", refuse)
    findings = XsdValidator(store).validate(_root(corpus_dir, CII_ELEMENT_ORDER), "xsd:cii-d16b", LAYER_XSD)
    assert len(findings) == 1
    assert findings[0].location == "line 384"
    assert findings[0].message.startswith("Element 'ram:Name': This element is not expected.")
    assert "{urn:" not in findings[0].message


class _SilentTwin:
    """An xmlschema stand-in that (wrongly) finds nothing; no real schema does that here."""

    def iter_errors(self, root: object) -> Iterator[object]:
        return iter(())


class _CrashingTwin:
    """An xmlschema stand-in that breaks while explaining; simulates a library bug."""

    def iter_errors(self, root: object) -> Iterator[object]:
        raise RuntimeError("simulated xmlschema bug")


@pytest.mark.parametrize("twin", [_SilentTwin(), _CrashingTwin()], ids=["silent", "crashing"])
def test_an_lxml_failure_is_never_turned_into_a_pass(store: ArtefactStore, corpus_dir: Path, twin: object) -> None:
    validator = XsdValidator(store)
    validator.schema("xsd:cii-d16b")
    validator._schemas["xsd:cii-d16b"].detailed = twin
    findings = validator.validate(_root(corpus_dir, CII_ELEMENT_ORDER), "xsd:cii-d16b", LAYER_XSD)
    assert [(f.flag, f.location) for f in findings] == [(Flag.FATAL, "line 384")]


# --- schema loading ---------------------------------------------------------------------------------


def _custom_store(tmp_path: Path, schema_text: str) -> ArtefactStore:
    (tmp_path / "custom.xsd").write_text(schema_text)
    sha = hashlib.sha256((tmp_path / "custom.xsd").read_bytes()).hexdigest()
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(
        "manifest-version: 1\nartefacts:\n  xsd:custom:\n    path: custom.xsd\n    version: test\n"
        f"    origin: tests@0\n    licence: test\n    sha256: {sha}\nfiles: {{}}\n"
    )
    return ArtefactStore(tmp_path, manifest_path=manifest, use_facturx_package=False)


def test_schema_imports_never_touch_the_network(tmp_path: Path) -> None:
    store = _custom_store(
        tmp_path,
        '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:a">'
        '<xs:import namespace="urn:b" schemaLocation="http://example.invalid/b.xsd"/>'
        '<xs:element name="r" type="xs:string"/></xs:schema>',
    )
    with pytest.raises(ArtefactError, match=r"refused network import http://example\.invalid/b\.xsd"):
        XsdValidator(store).schema("xsd:custom")


def test_a_broken_schema_is_an_artefact_error(tmp_path: Path) -> None:
    store = _custom_store(tmp_path, '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:bogus/></xs:schema>')
    with pytest.raises(ArtefactError, match="schema xsd:custom cannot be loaded"):
        XsdValidator(store).schema("xsd:custom")


def test_missing_schema_raises_instead_of_passing(tmp_path: Path, corpus_dir: Path) -> None:
    validator = XsdValidator(ArtefactStore(tmp_path))
    with pytest.raises(ArtefactError, match="xsd:cii-d16b"):
        validator.validate_document(_root(corpus_dir, CII_EN16931))


def test_unknown_root_is_unsupported(validator: XsdValidator, corpus_dir: Path) -> None:
    with pytest.raises(UnsupportedFormat):
        validator.validate_document(_root(corpus_dir, "cii/zugferd-1.0-legacy/zugferd-basic.xml"))


def test_package_only_validator_handles_cii(corpus_dir: Path) -> None:
    validator = XsdValidator(ArtefactStore(None))
    report = validator.validate_document(_root(corpus_dir, CII_D16B_ONLY))
    assert report.layers_run == (LAYER_XSD,)
    assert report.valid
    assert not validator.validate_document(_root(corpus_dir, CII_ELEMENT_ORDER)).valid


def test_schemas_are_loaded_once_and_shared_across_threads(validator: XsdValidator, corpus_dir: Path) -> None:
    good = _root(corpus_dir, CII_EN16931)
    bad = _root(corpus_dir, CII_ELEMENT_ORDER)
    first = validator.schema("xsd:cii-d16b")

    def run(i: int) -> bool:
        return validator.validate_document(good if i % 2 else bad).valid

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(run, range(40)))
    assert results == [bool(i % 2) for i in range(40)]
    assert validator.schema("xsd:cii-d16b") is first


def test_preload_loads_every_available_xsd(tmp_path: Path, artefacts_dir: Path) -> None:
    validator = XsdValidator(ArtefactStore(artefacts_dir))
    validator.preload()
    assert set(validator._schemas) == {i for i in validator.store.ids() if i.startswith("xsd:")}


# --- report shape -------------------------------------------------------------------------------------


def test_report_json_shape() -> None:
    findings = (
        Finding(rule="XSD", flag=Flag.FATAL, layer="xsd", location="/Invoice/cbc:IssueDate", message="bad date"),
        Finding(rule="UBL-CR-001", flag=Flag.WARNING, layer="cen", location=None, message="not used"),
    )
    report = ValidationReport(syntax="ubl-invoice", profile=None, findings=findings, layers_run=("xsd", "cen"))
    data = report.to_json_dict("inbox/a.xml")
    assert list(data) == ["file", "syntax", "profile", "valid", "findings"]
    assert data["file"] == "inbox/a.xml"
    assert data["valid"] is False
    assert data["findings"] == [
        {"rule": "XSD", "flag": "fatal", "layer": "xsd", "location": "/Invoice/cbc:IssueDate", "message": "bad date"},
        {"rule": "UBL-CR-001", "flag": "warning", "layer": "cen", "location": None, "message": "not used"},
    ]
    json.dumps(data)  # serialisable as is


def test_only_fatal_findings_make_a_report_invalid() -> None:
    warning = Finding(rule="UBL-CR-001", flag=Flag.WARNING, layer="cen", location=None, message="not used")
    info = Finding(rule="XSD", flag=Flag.INFORMATION, layer="xsd", location=None, message="note")
    assert ValidationReport(syntax="ubl-invoice", profile=None, findings=(warning, info)).valid
    assert ValidationReport(syntax="cii", profile="basic").valid
    assert Flag("information") is Flag.INFORMATION
