"""Write a :class:`ValidationReport` as SVRL (ISO/IEC 19757-3 Annex D), whatever layer found what.

Every finding, XSD ones included, becomes one ``svrl:failed-assert`` with
``@id`` (the rule), ``@flag`` (``fatal``, ``warning``, ``information``),
``@location`` (when known) and ``svrl:text``; the layer is kept in an
Aiguillage attribute (``ag:layer``). Each layer that ran is an
``svrl:active-pattern``, so an empty report still says what was checked.
"""

from __future__ import annotations

from lxml import etree

from formats.validation.findings import ValidationReport

__all__ = ["AG_NS", "SVRL_NS", "render_svrl", "svrl_element"]

SVRL_NS = "http://purl.oclc.org/dsdl/svrl"
#: Namespace of the Aiguillage attributes added to SVRL (``ag:layer``, ``ag:valid``...).
AG_NS = "urn:aiguillage:validation"
_NSMAP = {"svrl": SVRL_NS, "ag": AG_NS}


def svrl_element(report: ValidationReport, file: str) -> etree._Element:
    """Return the ``svrl:schematron-output`` element of one document's report.

    :param file: the document's name, written to ``@title``.
    """
    root = etree.Element(f"{{{SVRL_NS}}}schematron-output", nsmap=_NSMAP)
    root.set("title", file)
    root.set(f"{{{AG_NS}}}syntax", report.syntax)
    if report.profile:
        root.set(f"{{{AG_NS}}}profile", report.profile)
    root.set(f"{{{AG_NS}}}valid", "true" if report.valid else "false")
    for layer in report.layers_run:
        pattern = etree.SubElement(root, f"{{{SVRL_NS}}}active-pattern")
        pattern.set("id", layer)
        pattern.set("name", layer)
    for finding in report.findings:
        failed = etree.SubElement(root, f"{{{SVRL_NS}}}failed-assert")
        failed.set("id", finding.rule)
        failed.set("flag", str(finding.flag))
        if finding.location:
            failed.set("location", finding.location)
        failed.set(f"{{{AG_NS}}}layer", finding.layer)
        text = etree.SubElement(failed, f"{{{SVRL_NS}}}text")
        text.text = finding.message
    return root


def render_svrl(report: ValidationReport, file: str) -> bytes:
    """Return one document's report as a standalone SVRL document (UTF-8, with XML declaration)."""
    return etree.tostring(svrl_element(report, file), xml_declaration=True, encoding="UTF-8", pretty_print=True)
