"""``gateway pdf sign`` and ``gateway pdf verify``: PAdES signatures on PDF invoices.

Both commands are thin shells over :mod:`formats.pdf.signing` and
:mod:`formats.pdf.signatures`; they are registered in the ``pdf`` group.
The PKCS#12 passphrase is taken by reference only (an environment variable or a
file), never as a command-line value, and is never logged.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click
from pyhanko.sign.timestamps import HTTPTimeStamper, TimeStamper

from formats.errors import ConfigError
from formats.pdf.signatures import SignatureReport, verify_pdf_signatures
from formats.pdf.signing import DEFAULT_FIELD_NAME, Signer, sign_pdf
from gateway.cli.errors import EXIT_CODES, exception_manager
from gateway.local_files import read_input, write_output

__all__ = ["sign", "verify"]

#: A PKCS#12 file is a few KB; this bounds what is read from an untrusted path.
_MAX_P12_BYTES = 1024 * 1024
_MAX_PEM_BYTES = 1024 * 1024
#: pyHanko logs each path-building failure (an untrusted signer) as a warning with a
#: traceback; the report already says "untrusted", so those logs wait for --verbose.
_CHATTY_LOGGERS = ("pyhanko", "pyhanko_certvalidator")


@click.command()
@click.argument("input_file", metavar="IN.pdf")
@click.option("--p12", "p12_file", required=True, metavar="FILE", help="PKCS#12 file with the key and certificate.")
@click.option("--passphrase-env", metavar="VAR", help="Read the PKCS#12 passphrase from this environment variable.")
@click.option(
    "--passphrase-file", metavar="PATH", help="Read the PKCS#12 passphrase from this file (first line, no newline)."
)
@click.option("-o", "--output", required=True, metavar="OUT.pdf", help="Write the signed PDF here.")
@click.option("--reason", help="Reason of the signature (/Reason).")
@click.option("--location", help="Place of signing (/Location).")
@click.option("--tsa", "tsa_url", metavar="URL", help="RFC 3161 time-stamping server: sign PAdES B-T instead of B-B.")
@click.option("--field", "field_name", default=DEFAULT_FIELD_NAME, show_default=True, help="Signature field name.")
@click.pass_obj
def sign(
    obj: dict[str, object],
    input_file: str,
    p12_file: str,
    passphrase_env: str | None,
    passphrase_file: str | None,
    output: str,
    reason: str | None,
    location: str | None,
    tsa_url: str | None,
    field_name: str,
) -> None:
    """Sign IN.pdf with a PAdES signature (B-B; B-T with --tsa), as an incremental update.

    The original bytes are kept; the XMP metadata is left untouched, so a
    Factur-X PDF/A-3 stays valid. Give the passphrase with --passphrase-env or
    --passphrase-file (omit both for a PKCS#12 file without passphrase).
    """
    with exception_manager(bool(obj["verbose"])):
        if passphrase_env and passphrase_file:
            raise click.UsageError("give --passphrase-env or --passphrase-file, not both")
        passphrase = _passphrase(passphrase_env, passphrase_file)
        signer = Signer.from_pkcs12(read_input(p12_file, _MAX_P12_BYTES), passphrase)
        timestamper: TimeStamper | None = HTTPTimeStamper(tsa_url) if tsa_url else None
        data = read_input(input_file, int(str(obj["max_size"])))
        signed = sign_pdf(
            data, signer, reason=reason, location=location, timestamper=timestamper, field_name=field_name
        )
        write_output(output, signed)
        click.echo(
            f"{input_file}: signed by {signer.subject} (PAdES {'B-T' if timestamper else 'B-B'}) → {output}", err=True
        )


@click.command()
@click.argument("input_file", metavar="IN.pdf")
@click.option(
    "--trust",
    "trust_files",
    multiple=True,
    metavar="CA.pem",
    help="Trust this root or CA certificate (PEM or DER; repeatable). Without it, nothing is trusted.",
)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_obj
def verify(obj: dict[str, object], input_file: str, trust_files: tuple[str, ...], output_format: str) -> None:
    """Verify the signatures of IN.pdf, offline.

    Exit 0 when every signature is intact and valid (and trusted, with --trust);
    1 when one is not, or when the PDF has no signature; 3 when the PDF is unreadable.
    """
    verbose = bool(obj["verbose"])
    with exception_manager(verbose):
        roots = [read_input(name, _MAX_PEM_BYTES) for name in trust_files]
        data = read_input(input_file, int(str(obj["max_size"])))
        with _quiet(_CHATTY_LOGGERS, unless=verbose):
            reports = verify_pdf_signatures(data, trust_roots=roots, source=input_file)
        require_trust = bool(trust_files)
        ok = bool(reports) and all(report.acceptable(require_trust=require_trust) for report in reports)
        if output_format == "json":
            click.echo(
                json.dumps(
                    {"file": input_file, "ok": ok, "signatures": [_as_json(report) for report in reports]}, indent=2
                )
            )
        elif not reports:
            click.echo(f"{input_file}: no signature", err=True)
        else:
            for report in reports:
                click.echo(f"{input_file}: {report.summary}")
    if not ok:
        raise SystemExit(EXIT_CODES["invalid"])


def _passphrase(env: str | None, file: str | None) -> str | None:
    """Fetch the passphrase from where it is referenced; ``None`` when not referenced."""
    if env:
        value = os.environ.get(env)
        if value is None:
            raise ConfigError(f"environment variable {env} (--passphrase-env) is not set")
        return value
    if file:
        text = Path(file).read_text(encoding="utf-8")
        return text.splitlines()[0] if text else ""
    return None


def _as_json(report: SignatureReport) -> dict[str, object]:
    def plain(value: object) -> object:
        return value.isoformat() if isinstance(value, dt.datetime) else value

    return {key: plain(value) for key, value in dataclasses.asdict(report).items()}


@contextmanager
def _quiet(names: tuple[str, ...], *, unless: bool) -> Iterator[None]:
    """Raise the level of the given loggers to ERROR for the block, unless ``unless``."""
    if unless:
        yield
        return
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
