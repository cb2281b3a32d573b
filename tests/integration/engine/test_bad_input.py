"""Bad input at engine level, as an operator meets it (issue 6; SQLite, folder channel; CLI and Python API).

An invalid partner file, an unknown recipient, an invoice failing validation, a
duplicate submission: each ends in a state the operator can read
(``gateway status``) and, where a fix exists, leave with ``gateway retry``.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from sqlalchemy.orm import Session

from gateway.app import Gateway
from gateway.timeline import timeline_lines
from tests.integration.engine.gateways import BUYER_SIREN, SAMPLE, gateway_cli, write_config

EXIT_CONFIG = 4


def make_home(tmp_path: Path, *, layers: list[str]) -> Path:
    home = tmp_path / "home"
    write_config(home, database_url=None, lease_seconds=30, layers=layers)
    gateway_cli(home, "init")
    return home


def add_folder_partner(home: Path, outbox: Path, *, siren: str = BUYER_SIREN) -> None:
    outbox.mkdir(exist_ok=True)
    profile = {
        "name": "Transports Lumière SARL",
        "identifiers": {"siren": siren},
        "receives": {"formats": ["ubl"]},
        "channels": [{"type": "folder", "path": str(outbox)}],
    }
    (home / "partners" / "lumiere.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")


def submit(home: Path, path: Path) -> tuple[str, str]:
    """Submit one file as ``gateway submit`` does; return its invoice id and ``new`` or ``duplicate``."""
    gateway = Gateway.at(home)
    try:
        result = gateway.submit(path.read_bytes(), filename=path.name, source=f"cli:{path}")
    finally:
        gateway.close()
    return result.invoice_id, "duplicate" if result.duplicate else "new"


def work(home: Path) -> None:
    """Do what ``gateway worker --once`` does, in this process (a CLI start costs seconds here)."""
    gateway = Gateway.at(home)
    worker = gateway.worker("test-worker", ack_interval=0.0)
    try:
        while worker.run_once().busy:
            pass
    finally:
        worker.close()
        gateway.close()


def timeline(home: Path, invoice_id: str) -> str:
    """Return what ``gateway status INVOICE`` prints."""
    gateway = Gateway.at(home, migrate=False)
    try:
        with Session(gateway.engine) as session:
            return "\n".join(timeline_lines(session, invoice_id))
    finally:
        gateway.close()


def header_status(text: str) -> str:
    match = re.search(r"^invoice \S+\s+\S+\s+status (\S+)$", text, re.MULTILINE)
    assert match, text
    return match.group(1)


def test_partners_check_names_file_line_and_key_of_every_problem(tmp_path: Path) -> None:
    home = make_home(tmp_path, layers=["xsd"])
    partners = home / "partners"
    (partners / "typo.yaml").write_text(
        'name: Typo\nidentifiers:\n  siren: "123456789"\ncolour: blue\n',
        encoding="utf-8",
    )
    (partners / "port.yaml").write_text(
        "name: Port\n"
        "identifiers:\n"
        '  siren: "987654321"\n'
        "channels:\n"
        "  - type: sftp\n"
        "    host: 127.0.0.1\n"
        "    port: abc\n"
        "    username: edi\n"
        "    remote-dir: in\n"
        "    key-file: id_ed25519\n"
        '    host-key: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGd7n6"\n',
        encoding="utf-8",
    )
    add_folder_partner(home, tmp_path / "out")

    done = gateway_cli(home, "partners", "check", check=False)

    assert done.returncode == EXIT_CONFIG, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert f"ok     {partners / 'lumiere.yaml'}" in lines
    # Both broken files are reported in one run, each as file:line: key: message.
    assert f"  {partners / 'typo.yaml'}:4: colour: unknown key 'colour'" in "\n".join(lines)
    # The line is the key's own (7), and the key path names the field.
    assert f"  {partners / 'port.yaml'}:7: channels[0].port: expected an integer, got 'abc'" in lines
    assert "1 of 3 profile(s) valid" in lines


def test_unknown_recipient_is_quarantined_then_delivered_after_the_partner_is_added(tmp_path: Path) -> None:
    home = make_home(tmp_path, layers=["xsd"])
    outbox = tmp_path / "out"
    add_folder_partner(home, outbox, siren="999999999")  # someone else: the samples' buyer is unknown
    invoice_id, _ = submit(home, SAMPLE)

    work(home)

    text = timeline(home, invoice_id)
    assert header_status(text) == "quarantined"
    assert "quarantined: routing.unknown-partner" in text
    route_line = next(line for line in text.splitlines() if "  route  " in line)
    # The identifiers the buyer was looked up by: electronic address, SIRET, its SIREN.
    assert "unknown recipient: no partner profile matches Transports Lumière SARL" in route_line
    assert "eas:0225 812345676" in route_line and "siret 81234567600017" in route_line
    assert f"siren {BUYER_SIREN}" in route_line
    assert not any(outbox.iterdir())

    add_folder_partner(home, outbox)
    retried = gateway_cli(home, "retry", invoice_id).stdout
    assert "replayed from intake" in retried
    work(home)

    text = timeline(home, invoice_id)
    assert header_status(text) == "sent", text
    assert re.search(
        r"operator\s+replayed\s+received\s+replayed by cli:\S+ \(was quarantined: routing.unknown-partner\)", text
    )
    assert [p.suffix for p in outbox.iterdir()] == [".xml"]
    assert b"AFR-2026-0001" in next(outbox.iterdir()).read_bytes()


def test_invoice_failing_validation_is_quarantined_naming_the_rules_then_replayed(tmp_path: Path) -> None:
    home = make_home(tmp_path, layers=["xsd", "cen"])
    outbox = tmp_path / "out"
    add_folder_partner(home, outbox)
    bad = tmp_path / "bad-total.xml"
    original = SAMPLE.read_text(encoding="utf-8")
    broken = original.replace(
        "<ram:DuePayableAmount>1421.82</ram:DuePayableAmount>", "<ram:DuePayableAmount>9999.99</ram:DuePayableAmount>"
    )
    assert broken != original
    bad.write_text(broken, encoding="utf-8")
    invoice_id, _ = submit(home, bad)

    work(home)

    text = timeline(home, invoice_id)
    assert header_status(text) == "quarantined"
    assert "quarantined: validation.failed" in text
    validate_line = next(line for line in text.splitlines() if "  validate  " in line)
    assert "fails 1 rule(s): BR-CO-16" in validate_line
    assert not any(outbox.iterdir())

    # The operator's fix: this gateway is told to check only the syntax (say, the buyer
    # accepts the rounding), then the invoice is replayed from intake.
    write_config(home, database_url=None, lease_seconds=30, layers=["xsd"])
    gateway_cli(home, "retry", invoice_id)
    work(home)

    text = timeline(home, invoice_id)
    assert header_status(text) == "sent", text
    validated = [line for line in text.splitlines() if "  validate  " in line]
    assert len(validated) == 2 and "valid (xsd)" in validated[1]
    assert len(list(outbox.iterdir())) == 1


def test_a_duplicate_submission_is_one_invoice_with_a_duplicate_event(tmp_path: Path) -> None:
    home = make_home(tmp_path, layers=["xsd"])
    outbox = tmp_path / "out"
    add_folder_partner(home, outbox)
    copy = tmp_path / "again.xml"
    copy.write_bytes(SAMPLE.read_bytes())

    first, state = submit(home, SAMPLE)
    assert state == "new"
    work(home)
    second, state = submit(home, copy)

    assert (second, state) == (first, "duplicate")
    work(home)
    listing = gateway_cli(home, "status").stdout
    assert "1 of 1 invoice(s)" in listing, listing
    text = timeline(home, first)
    assert header_status(text) == "sent"
    duplicate = [line for line in text.splitlines() if "  duplicate  " in line]
    assert len(duplicate) == 1 and "again.xml" in duplicate[0] and "kept once" in duplicate[0], text
    assert len(list(outbox.iterdir())) == 1, "the duplicate was not delivered again"
