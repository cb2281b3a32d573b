"""EANCOM INVOIC D96A over the corpus.

* every CEN EDIFACT example (read with the CEN reader) and every UBL/CII file,
  written as EANCOM with the default profile and read back, gives the same
  model except for terms each covered by a writer warning naming the term;
* what we write reads back in strict mode and parses with pydifact;
* pydifact's own INVOIC sample (D97A, no association code) is read with the
  EANCOM rules as far as it goes.
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterable
from pathlib import Path

import pytest
from pydifact.exceptions import MissingImplementationWarning
from pydifact.segmentcollection import Interchange as PydifactInterchange

from formats.conversion import ConversionWarning
from formats.edifact.eancom import default_profile, read_invoic_eancom, render_edifact_eancom
from formats.edifact.invoic_cen import read_invoic_cen
from formats.edifact.syntax import parse_interchange
from formats.model import Identifier, Invoice
from formats.model.compare import Difference, diff_invoices
from formats.reading import read_invoice
from tests.conftest import CORPUS
from tests.corpus_table import CorpusRow, rows_under

EXAMPLES = sorted((CORPUS / "edifact" / "cen").glob("EDIFACT_EXAMPLE*.edi"))
ROWS = [row for row in rows_under("ubl/", "cii/") if "zugferd-1.0-legacy" not in row.path and not row.must_fail]


def _normalised(value: object) -> object:
    """Empty text is no value in EDIFACT (an empty element is an absent one): compare accordingly."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, Identifier) and not value.value:
        return None
    if isinstance(value, tuple):
        return tuple(_normalised(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {field.name: _normalised(getattr(value, field.name)) for field in dataclasses.fields(value)}
        return dataclasses.replace(value, **changes)
    return value


def _uncovered(differences: Iterable[Difference], found: Iterable[ConversionWarning]) -> list[str]:
    terms = {warning.term for warning in found}
    # A warning on a scheme (BT-29-1) covers the identifier's difference, which the model names BT-29.
    return [
        str(d)
        for d in differences
        if d.term is None or not any(term == d.term or term.startswith(f"{d.term}-") for term in terms)
    ]


def _pydifact_messages(data: bytes, codec: str) -> list[str]:
    with warnings.catch_warnings():
        # pydifact ships no D96A directory data to check segments against: it says so and parses on.
        warnings.simplefilter("ignore", MissingImplementationWarning)
        parsed = PydifactInterchange.from_str(data.decode(codec))
        return [message.type for message in parsed.get_messages()]


def _round_trip(source: Invoice) -> None:
    rendered = render_edifact_eancom(source, prepared=("260101", "1200"))
    interchange = parse_interchange(rendered.data, strict=True)
    assert [m.association_code for m in interchange.messages] == [default_profile().association_code]
    back = read_invoic_eancom(interchange.messages[0]).invoice
    left, right = _normalised(source), _normalised(back)
    assert isinstance(left, Invoice) and isinstance(right, Invoice)
    assert _uncovered(diff_invoices(left, right, include_extensions=False), rendered.warnings) == []
    # Every warning names a business term or extension data, never a bare path.
    assert all(w.term.startswith(("BT-", "BG-", "EXT")) for w in rendered.warnings)
    assert _pydifact_messages(rendered.data, "latin-1") == ["INVOIC"]


@pytest.mark.corpus
@pytest.mark.parametrize("path", EXAMPLES, ids=[path.name for path in EXAMPLES])
def test_cen_example_through_eancom(path: Path) -> None:
    interchange = parse_interchange(path.read_bytes())
    source = read_invoic_cen(interchange.messages[0], packages=interchange.packages).invoice
    assert source.lines
    _round_trip(source)


@pytest.mark.corpus
@pytest.mark.parametrize("row", ROWS, ids=[row.path for row in ROWS])
def test_ubl_cii_through_eancom(row: CorpusRow) -> None:
    _round_trip(read_invoice(row.file.read_bytes(), source=row.path).invoice)


@pytest.mark.corpus
def test_pydifact_sample_is_read_with_the_eancom_rules(corpus_dir: Path) -> None:
    data = (corpus_dir / "edifact" / "pydifact" / "invoice1.edi").read_bytes()
    message = parse_interchange(data).messages[0]
    # D97A without association code: not EANCOM by name, but older than the CEN binding's D14B.
    assert (message.release, message.association_code) == ("97A", "")
    read = read_invoice(data)
    assert read.warnings[0].code == "edifact-eancom.not-eancom"
    invoice = read.invoice
    segments = {s.tag: s for s in message.segments}
    assert (invoice.type_code, invoice.number) == (segments["BGM"].element(0), segments["BGM"].element(1))
    assert invoice.issue_date is not None and invoice.issue_date.strftime("%Y%m%d") == "19991006"
    # PAT group DTM 140 is the due date; NAD SU the seller with its RFF VA.
    assert invoice.due_date is not None and invoice.due_date.isoformat() == "1999-10-31"
    assert invoice.seller is not None and invoice.seller.vat_id == "123844750"
    assert invoice.currency == "EUR"
    assert invoice.totals is not None and str(invoice.totals.tax_inclusive) == "1960.29"
    [line] = invoice.lines
    assert line.item is not None and line.item.buyer_id == "090346642"
    assert line.price is not None and (str(line.price.net_price), str(line.price.base_quantity)) == ("3630.1724", "100")
    assert str(line.net_amount) == "1960.29"
    # What it cannot map is said: NAD BT (no EN 16931 role), QTY 12 (not the invoiced quantity).
    messages = [w.message for w in read.warnings]
    assert any("NAD+BT" in m for m in messages)
    assert any(w.term == "BT-129" for w in read.warnings) and line.quantity is None
