"""Benchmark: validation throughput, full stack, pool of warm workers vs a fresh process per document.

Full stack = the automatic layers with ``french=True``: syntax XSD (+ Factur-X
XSD), CEN EN 16931, the Factur-X profile rules where BT-24 names one, BR-FR, and
the native checks when ``formats.validation.native`` provides them.

Files: the *valid* corpus XML files, i.e. rows of ``expected.tsv`` with an empty
``must_fail`` whose path ends in ``.xml`` under ``ubl/`` or ``cii/``, ZUGFeRD 1.0
legacy excluded. "Valid" means "must not fail the syntax/CEN rules": with BR-FR
forced on, most still carry BR-FR findings, which is irrelevant to throughput.

Printed, in the same run:

* (a) pool, 1 worker and (b) pool, 2 workers: docs/s over whole passes of the
  files (repeated until ``--seconds`` have elapsed); warm-up (worker start and
  compilation of the common artefacts) is timed separately and excluded;
* (c) a fresh ``python -c`` process per document, on a subset (``--fresh``
  documents): what a CLI-per-document integration costs;
* the ratio pool(2) / fresh, and the peak RSS of every worker, read from
  ``/proc/<pid>/status`` (``VmHWM``, the process's own high-water mark) just
  before the pool closes. ``getrusage(RUSAGE_CHILDREN)`` is not used: it gives
  only the largest of the *waited-for* children, mixing pool workers with the
  fresh processes of (c).

Targets (issue): ≥ 120 docs/s on 2 cores, ≥ 10× the fresh-process approach.

Usage::

    .venv/bin/python bench/validate.py [--corpus ../shared/corpus] [--seconds 5] [--limit N] [--fresh 15]
"""

from __future__ import annotations

import argparse
import csv
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("AIGUILLAGE_ARTEFACTS", str(REPO.parent / "shared" / "validation-artefacts"))

from formats.validation.artefacts import ArtefactStore  # noqa: E402
from formats.validation.pool import ValidationPool  # noqa: E402

FRESH_SCRIPT = """
import sys
from pathlib import Path
from formats.validation.engine import Validator
from formats.validation.native import native_checks
report = Validator(native_checks=native_checks).validate(Path(sys.argv[1]).read_bytes(), french=True)
print(report.valid)
"""


def _files(corpus: Path, limit: int | None) -> list[Path]:
    with (corpus / "expected.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    paths = [
        corpus / row["path"]
        for row in rows
        if not row["must_fail"]
        and row["path"].endswith(".xml")
        and row["path"].split("/")[0] in ("ubl", "cii")
        and "zugferd-1.0-legacy" not in row["path"]
    ]
    return paths[:limit] if limit else paths


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _pool_rate(workers: int, docs: list[tuple[str, bytes]], seconds: float) -> tuple[float, float, list[float]]:
    """Return (docs/s, warm-up seconds, peak RSS MiB per worker)."""
    with ValidationPool(workers) as pool:
        started = time.perf_counter()
        # Every artefact, not only the common ones: the files need Peppol and several
        # Factur-X profiles too, and their compilation must stay out of the timed part.
        pool.warm_up(ArtefactStore.from_env().ids())
        warm = time.perf_counter() - started
        count = 0
        invalid_engine = 0
        start = time.perf_counter()
        while True:
            for _, report in pool.validate_many(docs, french=True):
                count += 1
                invalid_engine += any(f.rule == "rule-engine-error" for f in report.findings)
            if time.perf_counter() - start >= seconds:
                break
        elapsed = time.perf_counter() - start
        rss = [_peak_rss_mib(pid) for pid in pool.worker_pids()]
        if pool.restarts:
            print(f"  warning: the pool restarted {pool.restarts} time(s)")
    rate = count / elapsed
    print(
        f"  pool, {workers} worker{'s' if workers > 1 else ' '}      {rate:8.1f} docs/s   "
        f"({count} docs in {elapsed:.1f} s; warm-up {warm:.1f} s excluded; engine errors: {invalid_engine})"
    )
    return rate, warm, rss


def _fresh_rate(paths: list[Path]) -> float:
    start = time.perf_counter()
    for path in paths:
        subprocess.run([sys.executable, "-c", FRESH_SCRIPT, str(path)], check=True, cwd=REPO, capture_output=True)
    elapsed = time.perf_counter() - start
    rate = len(paths) / elapsed
    print(f"  fresh process per doc {rate:8.2f} docs/s   ({len(paths)} docs in {elapsed:.1f} s, subset)")
    return rate


def main() -> None:
    """Run the benchmark and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--seconds", type=float, default=5.0, help="minimum timed duration per pool (whole passes)")
    parser.add_argument("--limit", type=int, default=None, help="use only the first N valid files")
    parser.add_argument("--fresh", type=int, default=15, help="documents for the fresh-process measurement")
    args = parser.parse_args()

    paths = _files(args.corpus, args.limit)
    docs = [(str(path), path.read_bytes()) for path in paths]
    print("validation throughput, full stack (automatic layers, french=True), native checks on")
    print(f"  {len(docs)} valid corpus files ({sum(len(d) for _, d in docs) / 1024:.0f} KiB), {os.cpu_count()} CPUs")
    one, warm1, rss1 = _pool_rate(1, docs, args.seconds)
    two, warm2, rss2 = _pool_rate(2, docs, args.seconds)
    # Spread the subset over the file list (UBL and CII, small and large).
    step = max(1, len(paths) // args.fresh)
    fresh = _fresh_rate(paths[::step][: args.fresh])
    print(f"  pool(2) / pool(1)      {two / one:8.2f}×")
    print(f"  pool(2) / fresh        {two / fresh:8.1f}×   (target ≥ 10×)")
    print(f"  pool(2)                {'meets' if two >= 120 else 'misses'} the 120 docs/s target")
    print(f"  warm-up: 1 worker {warm1:.1f} s, 2 workers {warm2:.1f} s (start + compile, in parallel)")
    print(
        "  peak RSS per worker (VmHWM): "
        + ", ".join(f"{mib:.0f} MiB" for mib in [*rss1, *rss2])
        + f"  (1-worker pool: {rss1[0]:.0f}; 2-worker pool: {', '.join(f'{m:.0f}' for m in rss2)})"
    )
    print("reproduce: .venv/bin/python bench/validate.py " + shlex.join(sys.argv[1:]))


if __name__ == "__main__":
    main()
