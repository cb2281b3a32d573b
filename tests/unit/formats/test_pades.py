"""PAdES signing and verification (formats.pdf.signing, formats.pdf.signatures, gateway pdf sign/verify).

Every certificate is made here, at test time (tests/pki.py). The B-T test uses
pyHanko's in-process ``DummyTimeStamper``: a test double, because no RFC 3161
server can run in the test environment (no network); the HTTP client used in
production (``--tsa URL``) is not exercised.
"""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from asn1crypto import keys as asn1_keys  # type: ignore[import-untyped]
from asn1crypto import x509 as asn1_x509
from click.testing import CliRunner
from cryptography.hazmat.primitives import serialization
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.timestamps import DummyTimeStamper

from formats.errors import ConfigError, ParseError
from formats.pdf import extract_invoice_xml
from formats.pdf.signatures import load_trust_roots, verify_pdf_signatures
from formats.pdf.signing import Signer, sign_pdf
from formats.validation import Flag, XsdValidator
from formats.xml_safety import DEFAULT_MAX_BYTES, parse_xml
from gateway.cli.pdf_sign import sign, verify
from tests import pki
from tests.conftest import CORPUS

FACTURX = CORPUS / "facturx-pdf" / "zugferd-2.2-ferd" / "EN16931_Einfach.pdf"
FX_NS = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"


@dataclass(frozen=True)
class Pki:
    root: pki.Issued
    leaf: pki.Issued
    expired: pki.Issued
    other_root: pki.Issued
    other_leaf: pki.Issued
    tsa: pki.Issued

    def signer(self, leaf: pki.Issued | None = None, ca: pki.Issued | None = None) -> Signer:
        return Signer.from_pkcs12(pki.to_pkcs12(leaf or self.leaf, ca or self.root), pki.PASSPHRASE)


@pytest.fixture(scope="module")
def ca() -> Pki:
    root = pki.make_ca()
    other = pki.make_ca("Unrelated Root CA")
    return Pki(
        root=root,
        leaf=pki.issue(root, "ACME SAS signer"),
        expired=pki.expired(root),
        other_root=other,
        other_leaf=pki.issue(other, "Someone Else"),
        tsa=pki.issue(root, "Test TSA", time_stamping=True),
    )


@pytest.fixture(scope="module")
def original() -> bytes:
    return FACTURX.read_bytes()


@pytest.fixture(scope="module")
def signed(ca: Pki, original: bytes) -> bytes:
    return sign_pdf(original, ca.signer(), reason="Facture émise", location="Lyon")


def raw_xmp(pdf: bytes) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return bytes(doc.Root.Metadata.read_bytes())


def info_dict(pdf: bytes) -> dict[str, str]:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return {str(k): str(v) for k, v in doc.trailer.Info.items()}


# --- signing -----------------------------------------------------------------------------------


def test_signing_is_an_incremental_update(original: bytes, signed: bytes) -> None:
    assert signed.startswith(original) and len(signed) > len(original)


def test_signature_verifies_intact_valid_trusted_whole_document(ca: Pki, signed: bytes) -> None:
    (report,) = verify_pdf_signatures(signed, trust_roots=[ca.root.pem])

    assert report.intact and report.valid and report.trusted, report.summary
    assert report.field_name == "Signature1"
    assert report.sub_filter == "ETSI.CAdES.detached"
    assert report.signer == "ACME SAS signer"
    assert report.signer_subject == "CN=ACME SAS signer,O=Aiguillage tests,C=FR"
    assert report.issuer == "CN=Aiguillage Test Root CA,O=Aiguillage tests,C=FR"
    assert report.coverage == "ENTIRE_FILE" and report.covers_whole_document
    assert report.modification_level == "NONE"
    assert report.signing_time is not None and report.timestamp_time is None and report.timestamp_valid is None
    assert report.certificate_valid_now and report.trust_problem is None
    assert report.summary.endswith("intact, valid, trusted")


def test_trust_root_as_der_works_too(ca: Pki, signed: bytes) -> None:
    (report,) = verify_pdf_signatures(signed, trust_roots=[ca.root.der])
    assert report.trusted


def test_without_trust_roots_the_signature_is_untrusted_but_valid(signed: bytes) -> None:
    (report,) = verify_pdf_signatures(signed)
    assert report.intact and report.valid and not report.trusted
    assert report.trust_problem == "NO_CERTIFICATE_CHAIN_FOUND"
    assert report.acceptable(require_trust=False) and not report.acceptable(require_trust=True)


def test_signing_keeps_the_invoice_xml_and_the_xmp_level(original: bytes, signed: bytes) -> None:
    before, after = extract_invoice_xml(original), extract_invoice_xml(signed)
    assert after.xml == before.xml
    assert after.filename == before.filename and after.relationship == before.relationship
    assert after.xmp == before.xmp and after.xmp_conformance_level == "EN 16931"
    assert after.pdfa == "3B" and after.signed and not before.signed


def test_signing_leaves_the_xmp_and_info_untouched(original: bytes, signed: bytes) -> None:
    xmp = raw_xmp(signed)
    assert xmp == raw_xmp(original)  # byte for byte: the update does not contain /Metadata
    text = xmp.decode("utf-8")
    assert re.search(r"<pdfaSchema:prefix>\s*fx\s*</pdfaSchema:prefix>", text), "extension schema declares fx"
    assert f'xmlns:fx="{FX_NS}"' in text and "<fx:ConformanceLevel>" in text
    assert "ns0:" not in text
    assert info_dict(signed) == info_dict(original)  # /ModDate still agrees with xmp:ModifyDate


def test_plain_pyhanko_would_rewrite_the_xmp(ca: Pki, original: bytes) -> None:
    """The problem the preserving writer solves, and the private hook it relies on, still exist."""
    assert callable(getattr(IncrementalPdfFileWriter, "_update_meta", None)), "pyHanko renamed _update_meta"
    writer = IncrementalPdfFileWriter(io.BytesIO(original), strict=False)
    metadata = signers.PdfSignatureMetadata(field_name="Signature1", subfilter=fields.SigSeedSubFilter.PADES)
    out = signers.PdfSigner(metadata, signer=ca.signer()._signer).sign_pdf(writer)
    assert raw_xmp(out.getvalue()) != raw_xmp(original)


def test_signed_invoice_xml_still_passes_the_xsd(signed: bytes) -> None:
    xml = extract_invoice_xml(signed).xml
    report = XsdValidator().validate_document(parse_xml(xml))
    assert not [f for f in report.findings if f.flag is Flag.FATAL]


def test_ec_key_signs_too(ca: Pki, original: bytes) -> None:
    leaf = pki.issue(ca.root, "EC signer", kind="ec")
    (report,) = verify_pdf_signatures(sign_pdf(original, ca.signer(leaf)), trust_roots=[ca.root.pem])
    assert report.trusted and report.signer == "EC signer"


def test_pades_b_t_with_a_timestamp(ca: Pki, original: bytes) -> None:
    timestamper = DummyTimeStamper(  # test double: no TSA can run here (see module docstring)
        tsa_cert=asn1_x509.Certificate.load(ca.tsa.der),
        tsa_key=asn1_keys.PrivateKeyInfo.load(
            ca.tsa.key.private_bytes(
                serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        ),
    )
    out = sign_pdf(original, ca.signer(), timestamper=timestamper)
    (report,) = verify_pdf_signatures(out, trust_roots=[ca.root.pem])
    assert report.trusted and report.timestamp_valid
    assert report.timestamp_time is not None and "time-stamped" in report.summary
    assert extract_invoice_xml(out).xml == extract_invoice_xml(original).xml


def test_a_second_signature_leaves_the_first_covering_one_revision(ca: Pki, signed: bytes) -> None:
    twice = sign_pdf(signed, ca.signer(), field_name="Signature2")
    first, second = verify_pdf_signatures(twice, trust_roots=[ca.root.pem])
    assert first.field_name == "Signature1" and second.field_name == "Signature2"
    assert first.intact and first.valid and first.trusted
    assert first.coverage == "ENTIRE_REVISION" and not first.covers_whole_document
    assert first.modification_level is not None and first.modification_level != "OTHER"
    assert "covers entire revision" in first.summary
    assert second.covers_whole_document


def test_expired_certificate_is_reported_not_valid_now(ca: Pki, original: bytes) -> None:
    out = sign_pdf(original, ca.signer(ca.expired))
    (report,) = verify_pdf_signatures(out, trust_roots=[ca.root.pem])
    assert report.intact and report.valid
    assert not report.certificate_valid_now and not report.trusted
    assert report.certificate_not_after is not None and report.trust_problem
    assert "certificate not valid now" in report.summary


def test_signature_from_an_unrelated_ca_is_untrusted(ca: Pki, original: bytes) -> None:
    out = sign_pdf(original, ca.signer(ca.other_leaf, ca.other_root))
    (report,) = verify_pdf_signatures(out, trust_roots=[ca.root.pem])
    assert report.intact and report.valid and not report.trusted
    (trusted,) = verify_pdf_signatures(out, trust_roots=[ca.other_root.pem])
    assert trusted.trusted


def test_tampered_signed_range_is_not_intact(signed: bytes) -> None:
    data = bytearray(signed)
    start = signed.index(b"stream", 1000)
    data[start + 200] ^= 0x01
    (report,) = verify_pdf_signatures(bytes(data))
    assert not report.intact and not report.valid and "NOT INTACT" in report.summary


def test_unsigned_pdf_gives_no_report(original: bytes) -> None:
    assert verify_pdf_signatures(original) == []


def test_not_a_pdf_is_a_parse_error() -> None:
    with pytest.raises(ParseError):
        verify_pdf_signatures(b"hello")
    with pytest.raises(ParseError):
        verify_pdf_signatures(b"%PDF-1.7\n" + b"\x00" * 100)


def test_wrong_passphrase_is_a_config_error_without_the_secret(ca: Pki) -> None:
    with pytest.raises(ConfigError) as caught:
        Signer.from_pkcs12(pki.to_pkcs12(ca.leaf, ca.root), "not the passphrase")
    assert "not the passphrase" not in str(caught.value)
    assert "PASSPHRASE" not in repr(ca.signer()).upper()


def test_bad_trust_root_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        load_trust_roots(b"not a certificate")


def test_pem_bundle_gives_every_root(ca: Pki) -> None:
    assert len(load_trust_roots(ca.root.pem + ca.other_root.pem)) == 2


# --- CLI (CliRunner on the module until the commands are registered in the pdf group) -----------


OBJ = {"verbose": False, "max_size": DEFAULT_MAX_BYTES}


@pytest.fixture()
def files(tmp_path: Path, ca: Pki) -> dict[str, Path]:
    paths = {
        "p12": tmp_path / "issuer.p12",
        "root": tmp_path / "root.pem",
        "other": tmp_path / "other.pem",
        "secret": tmp_path / "passphrase.txt",
        "out": tmp_path / "signed.pdf",
    }
    paths["p12"].write_bytes(pki.to_pkcs12(ca.leaf, ca.root))
    paths["root"].write_bytes(ca.root.pem)
    paths["other"].write_bytes(ca.other_root.pem)
    paths["secret"].write_bytes(pki.PASSPHRASE + b"\n")
    return paths


def test_cli_sign_then_verify(files: dict[str, Path]) -> None:
    runner = CliRunner()
    args = [str(FACTURX), "--p12", str(files["p12"]), "--passphrase-env", "P12_PASS", "-o", str(files["out"])]
    result = runner.invoke(
        sign, [*args, "--reason", "Facture émise"], obj=OBJ, env={"P12_PASS": "test-only passphrase"}
    )
    assert result.exit_code == 0, result.output
    assert "test-only passphrase" not in result.output

    result = runner.invoke(verify, [str(files["out"]), "--trust", str(files["root"])], obj=OBJ)
    assert result.exit_code == 0, result.output
    assert "intact, valid, trusted" in result.output

    result = runner.invoke(verify, [str(files["out"]), "--trust", str(files["other"]), "--format", "json"], obj=OBJ)
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["ok"] is False and doc["signatures"][0]["intact"] and not doc["signatures"][0]["trusted"]

    result = runner.invoke(verify, [str(files["out"])], obj=OBJ)  # no --trust: intact + valid suffices
    assert result.exit_code == 0, result.output

    embedded = extract_invoice_xml(files["out"].read_bytes())
    assert embedded.xml == extract_invoice_xml(FACTURX.read_bytes()).xml


def test_cli_sign_with_passphrase_file(files: dict[str, Path]) -> None:
    args = [
        str(FACTURX),
        "--p12",
        str(files["p12"]),
        "--passphrase-file",
        str(files["secret"]),
        "-o",
        str(files["out"]),
    ]
    result = CliRunner().invoke(sign, args, obj=OBJ)
    assert result.exit_code == 0, result.output
    assert files["out"].read_bytes().startswith(FACTURX.read_bytes())


def test_cli_sign_wrong_passphrase_exits_4(files: dict[str, Path]) -> None:
    args = [str(FACTURX), "--p12", str(files["p12"]), "--passphrase-env", "P12_PASS", "-o", str(files["out"])]
    result = CliRunner().invoke(sign, args, obj=OBJ, env={"P12_PASS": "Zq8-not-it"})
    assert result.exit_code == 4 and "Zq8-not-it" not in result.output
    assert not files["out"].exists()


def test_cli_has_no_passphrase_value_option() -> None:
    assert "--passphrase" not in {opt for param in sign.params for opt in param.opts}


def test_cli_verify_unsigned_exits_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(verify, [str(FACTURX)], obj=OBJ)
    assert result.exit_code == 1 and "no signature" in result.output


def test_cli_verify_unreadable_exits_3(tmp_path: Path) -> None:
    junk = tmp_path / "junk.pdf"
    junk.write_bytes(b"not a pdf")
    assert CliRunner().invoke(verify, [str(junk)], obj=OBJ).exit_code == 3


def test_cli_verify_tampered_exits_1(tmp_path: Path, signed: bytes) -> None:
    data = bytearray(signed)
    data[signed.index(b"stream", 1000) + 200] ^= 0x01
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(bytes(data))
    result = CliRunner().invoke(verify, [str(bad)], obj=OBJ)
    assert result.exit_code == 1 and "NOT INTACT" in result.output
