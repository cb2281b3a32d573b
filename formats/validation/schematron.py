"""Run the official Schematron XSLT artefacts with saxonche and normalise their SVRL.

saxonche rules (measured, see the research notes): exactly ONE
``PySaxonProcessor`` per process, shared by every thread, created once and kept;
a second processor, even in another thread, crashes the process at exit. That is
why :func:`saxon_processor` is a process-wide cached function — the one piece of
process state here, and it is imposed by the engine, not chosen.

Compiled stylesheets are kept warm per artefact id. A stylesheet that raises an
XPath error on a document yields a fatal ``rule-engine-error`` finding: a layer
that did not run is never reported as valid.
"""

from __future__ import annotations

import re
import threading
from functools import cache
from typing import Any

from lxml import etree

from formats.validation.artefacts import ArtefactStore
from formats.validation.findings import Finding, Flag

__all__ = ["ENGINE_ERROR", "SchematronRunner", "saxon_processor"]

#: Rule id of the finding reported when the rule engine itself fails.
ENGINE_ERROR = "rule-engine-error"

_SVRL = "http://purl.oclc.org/dsdl/svrl"
_FAILED = f"{{{_SVRL}}}failed-assert"
_REPORT = f"{{{_SVRL}}}successful-report"
_TEXT = f"{{{_SVRL}}}text"
# Factur-X code-list asserts carry no @id; their message starts with "[BR-xx]".
_BRACKETED_ID = re.compile(r"\[((?:BR|CII|UBL|FX|PEPPOL)[A-Za-z0-9_\-]*)\]")
_FLAGS = {"fatal": Flag.FATAL, "error": Flag.FATAL, "warning": Flag.WARNING, "information": Flag.INFORMATION}


@cache
def saxon_processor() -> Any:
    """Return the process's one ``PySaxonProcessor`` (created on first use)."""
    from saxonche import PySaxonProcessor  # imported lazily: 100 MB native image

    return PySaxonProcessor(license=False)


class SchematronRunner:
    """Compile official Schematron XSLTs once and run them on documents."""

    def __init__(self, store: ArtefactStore | None = None) -> None:
        self._store = store if store is not None else ArtefactStore.from_env()
        self._compiled: dict[str, Any] = {}
        self._lock = threading.Lock()

    def executable(self, artefact_id: str) -> Any:
        """Return the compiled stylesheet for an artefact id, compiling it on first use.

        :raises ArtefactError: the artefact cannot be found.
        """
        with self._lock:
            found = self._compiled.get(artefact_id)
            if found is None:
                path = self._store.path(artefact_id)
                compiler = saxon_processor().new_xslt30_processor()
                found = compiler.compile_stylesheet(stylesheet_file=str(path))
                self._compiled[artefact_id] = found
            return found

    def run(self, xml: bytes, artefact_id: str, layer: str) -> list[Finding]:
        """Run one artefact on a document and return its findings.

        :param xml: the document; it must already have passed the hardened parser
            (``formats.xml_safety``) — Saxon is given no DTD to resolve.
        :param layer: the layer name findings are reported under (``cen``, ``br-fr``…).
        """
        return self.run_text(_as_text(xml), artefact_id, layer)

    def run_text(self, text: str, artefact_id: str, layer: str) -> list[Finding]:
        """Like :meth:`run`, for a document already serialised as text (no XML declaration)."""
        executable = self.executable(artefact_id)
        from saxonche import PySaxonApiError

        try:
            node = saxon_processor().parse_xml(xml_text=text)
            svrl = executable.transform_to_string(xdm_node=node)
        except PySaxonApiError as exc:
            message = "rule engine error: " + " ".join(str(exc).split())[:300]
            return [Finding(rule=ENGINE_ERROR, flag=Flag.FATAL, layer=layer, location=None, message=message)]
        if not svrl:
            return [Finding(rule=ENGINE_ERROR, flag=Flag.FATAL, layer=layer, location=None, message="no SVRL output")]
        return parse_svrl(svrl.encode("utf-8"), layer)


def _as_text(xml: bytes) -> str:
    # Saxon is handed text: drop a BOM and the XML declaration, whose encoding
    # label may be wrong in the wild ("UTF-8_W/O_BOM").
    text = xml.decode("utf-8-sig")
    if text.startswith("<?xml"):
        text = text[text.index("?>") + 2 :]
    return text


def parse_svrl(svrl: bytes, layer: str) -> list[Finding]:
    """Turn SVRL output into findings (failed asserts and successful reports)."""
    root = etree.fromstring(svrl, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True))
    findings = []
    for element in root.iter(_FAILED, _REPORT):
        text_element = element.find(_TEXT)
        message = " ".join((text_element.text or "").split()) if text_element is not None else ""
        rule = element.get("id")
        if not rule:
            match = _BRACKETED_ID.search(message)
            rule = match.group(1) if match else "no-id"
        # A failed assert without @flag is an error (Factur-X code-list checks). A
        # successful report without @flag is Factur-X's "element … is marked as not
        # used" notice: the official verdicts count only failed asserts, so it warns.
        default = "fatal" if element.tag == _FAILED else "warning"
        flag = _FLAGS.get((element.get("flag") or default).lower(), Flag.FATAL)
        findings.append(Finding(rule=rule, flag=flag, layer=layer, location=element.get("location"), message=message))
    return findings
