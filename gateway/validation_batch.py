"""Validate batches of files through a :class:`~formats.validation.pool.ValidationPool`, and summarise a corpus.

Reading files is the gateway's job (``formats`` does no I/O): a file that cannot
be read becomes a report with one fatal ``input`` finding, in its place in the
output, and never stops the batch.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from formats.errors import FormatError
from formats.validation.engine import input_failure
from formats.validation.findings import Finding, Flag, ValidationReport
from formats.validation.layers import Layer
from formats.validation.pool import ValidationPool
from formats.validation.schematron import ENGINE_ERROR
from gateway.local_files import read_input

__all__ = ["FolderSummary", "default_workers", "format_summary", "summarise", "validate_files"]


def default_workers(files: int) -> int:
    """Choose the worker count: in-process for one file, else one worker per CPU (at most one per file).

    One file never pays for starting a process; with more, each worker compiles
    only the artefacts its documents need, in parallel with the others.
    """
    if files <= 1:
        return 0
    return min(os.cpu_count() or 1, files)


def validate_files(
    pool: ValidationPool,
    names: Sequence[str],
    *,
    max_bytes: int,
    layers: Sequence[Layer] | None = None,
    french: bool | None = None,
) -> Iterator[tuple[str, ValidationReport]]:
    """Validate files (``-`` is stdin), yielding ``(name, report)`` in the order of ``names``.

    Files are read lazily, as the pool has room; unreadable ones become fatal ``input`` reports.
    """
    unreadable: dict[int, ValidationReport] = {}

    def readable() -> Iterator[tuple[str, bytes]]:
        for index, name in enumerate(names):
            try:
                data = read_input(name, max_bytes)
            except FormatError as exc:
                unreadable[index] = input_failure(exc)
                continue
            except OSError as exc:
                message = f"cannot read the file: {exc.strerror or exc}"
                finding = Finding(rule="input.io", flag=Flag.FATAL, layer="input", location=None, message=message)
                unreadable[index] = ValidationReport(
                    syntax="unknown", profile=None, findings=(finding,), layers_run=("input",)
                )
                continue
            yield str(index), data

    def flush(before: int) -> Iterator[tuple[str, ValidationReport]]:
        for index in sorted(i for i in unreadable if i < before):
            yield names[index], unreadable.pop(index)

    # The pool pulls a file only once every earlier one has been read, so when
    # it yields file j, every unreadable file before j is already known.
    for key, report in pool.validate_many(readable(), layers=layers, french=french, ordered=True):
        index = int(key)
        yield from flush(index)
        yield names[index], report
    yield from flush(len(names))


@dataclass(slots=True)
class FolderSummary:
    """Counts for one top-level folder of a corpus."""

    folder: str
    files: int = 0
    valid: int = 0
    invalid: int = 0
    engine_errors: int = 0
    """Documents with a ``rule-engine-error`` finding (a layer or worker that could not run)."""
    fatal_rules: Counter[str] = field(default_factory=Counter)
    """Fatal rule id → number of documents where it fired."""

    def add(self, report: ValidationReport) -> None:
        """Count one document's report."""
        self.files += 1
        if report.valid:
            self.valid += 1
        else:
            self.invalid += 1
        if any(f.rule == ENGINE_ERROR for f in report.findings):
            self.engine_errors += 1
        self.fatal_rules.update({f.rule for f in report.findings if f.flag is Flag.FATAL})


def summarise(results: Iterable[tuple[str, ValidationReport]], root: Path) -> list[FolderSummary]:
    """Count reports per top-level subfolder of ``root``.

    :param results: ``(path, report)`` pairs; paths under ``root`` (files directly in it count as ``.``).
    :return: one row per folder, sorted by name, then a ``total`` row.
    """
    folders: dict[str, FolderSummary] = {}
    total = FolderSummary("total")
    for name, report in results:
        parts = Path(name).relative_to(root).parts
        folder = parts[0] if len(parts) > 1 else "."
        folders.setdefault(folder, FolderSummary(folder)).add(report)
        total.add(report)
    return [folders[key] for key in sorted(folders)] + [total]


def format_summary(rows: Sequence[FolderSummary], *, top: int = 3) -> list[str]:
    """Return the summary table's lines, header first.

    :param top: how many fatal rules to name per folder: most documents first, ties by rule id.
    """
    width = max(len("folder"), *(len(row.folder) for row in rows))
    lines = [f"{'folder':<{width}}  {'files':>6}  {'valid':>6}  {'invalid':>7}  {'engine-err':>10}  top fatal rules"]
    for row in rows:
        ranked = sorted(row.fatal_rules.items(), key=lambda item: (-item[1], item[0]))[:top]
        rules = ", ".join(f"{rule} ({count})" for rule, count in ranked) or "-"
        lines.append(
            f"{row.folder:<{width}}  {row.files:>6}  {row.valid:>6}  {row.invalid:>7}  {row.engine_errors:>10}  {rules}"
        )
    return lines
