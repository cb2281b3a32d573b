"""Read ``expected.tsv`` of the shared corpus: one row per file."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import CORPUS


@dataclass(frozen=True)
class CorpusRow:
    path: str
    must_fail: str
    expected: str

    @property
    def file(self) -> Path:
        return CORPUS / self.path


def corpus_rows() -> list[CorpusRow]:
    with (CORPUS / "expected.tsv").open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        return [CorpusRow(r["path"], r["must_fail"] or "", r["expected"] or "") for r in reader]


def rows_under(*prefixes: str) -> list[CorpusRow]:
    return [row for row in corpus_rows() if row.path.startswith(prefixes)]
