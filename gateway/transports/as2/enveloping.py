"""CMS EnvelopedData (RFC 5652 §6) and AuthEnvelopedData (RFC 5083/5084): encrypt and decrypt.

Built with asn1crypto + ``cryptography`` primitives: ``cryptography``'s
``PKCS7EnvelopeBuilder`` (v50) offers only AES-128/256-CBC with PKCS#1 v1.5 key
transport, while AS2 partners need AES-192, 3DES, RSA-OAEP (BizTalk) and
AES-GCM (RFC 8551).

Decryption errors are reported as one :class:`DecryptionFailed` without saying
which step failed, so that a padding oracle learns nothing.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import ClassVar

from asn1crypto import algos, cms, core  # type: ignore[import-untyped]  # no stubs
from cryptography import x509
from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives import padding as sym_padding
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers import BlockCipherAlgorithm, Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from gateway.transports.as2._asn1_certs import asn1_certificate, issued_by_serial
from gateway.transports.as2.algorithms import ContentEncryption, KeyTransport
from gateway.transports.as2.errors import DecryptionFailed, MalformedMessage, UnsupportedAlgorithm

__all__ = ["Decrypted", "decrypt", "encrypt"]

_CBC: dict[ContentEncryption, tuple[str, int]] = {
    ContentEncryption.AES128_CBC: ("aes128_cbc", 16),
    ContentEncryption.AES192_CBC: ("aes192_cbc", 24),
    ContentEncryption.AES256_CBC: ("aes256_cbc", 32),
    ContentEncryption.TRIPLE_DES: ("tripledes_3key", 24),
}
_GCM: dict[ContentEncryption, tuple[str, int]] = {
    ContentEncryption.AES128_GCM: ("aes128_gcm", 16),
    ContentEncryption.AES192_GCM: ("aes192_gcm", 24),
    ContentEncryption.AES256_GCM: ("aes256_gcm", 32),
}
_BY_OID_NAME = {name: alg for alg, (name, _) in (_CBC | _GCM).items()}
_TAG_LENGTH = 16


class _GcmParameters(core.Sequence):  # type: ignore[misc]  # asn1crypto is untyped
    """RFC 5084 §3.2 GCMParameters, which asn1crypto 1.5 does not define."""

    _fields: ClassVar[list[tuple[object, ...]]] = [
        ("aes_nonce", core.OctetString),
        ("aes_icvlen", core.Integer, {"default": 12}),
    ]


@dataclass(frozen=True, slots=True)
class Decrypted:
    """Plaintext and the algorithms the sender chose."""

    content: bytes
    encryption: ContentEncryption
    key_transport: KeyTransport


def _cbc_cipher(alg: ContentEncryption, key: bytes) -> BlockCipherAlgorithm:
    return TripleDES(key) if alg is ContentEncryption.TRIPLE_DES else algorithms.AES(key)


def _oaep_hash(transport: KeyTransport) -> hashes.HashAlgorithm:
    return hashes.SHA256() if transport is KeyTransport.RSA_OAEP_SHA256 else hashes.SHA1()  # noqa: S303 - RFC 3560's OAEP default, still what partners send


def _key_encryption_algorithm(transport: KeyTransport) -> cms.KeyEncryptionAlgorithm:
    if transport is KeyTransport.RSA_PKCS1V15:
        return cms.KeyEncryptionAlgorithm({"algorithm": "rsaes_pkcs1v15", "parameters": core.Null()})
    name = "sha1" if transport is KeyTransport.RSA_OAEP_SHA1 else "sha256"
    params = algos.RSAESOAEPParams(
        {
            "hash_algorithm": {"algorithm": name},
            "mask_gen_algorithm": {"algorithm": "mgf1", "parameters": {"algorithm": name}},
        }
    )
    return cms.KeyEncryptionAlgorithm({"algorithm": "rsaes_oaep", "parameters": params})


def _recipient_info(recipient: x509.Certificate, key: bytes, transport: KeyTransport) -> cms.RecipientInfo:
    public_key = recipient.public_key()
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise UnsupportedAlgorithm("key transport needs an RSA recipient certificate")
    if transport is KeyTransport.RSA_PKCS1V15:
        wrapped = public_key.encrypt(key, padding.PKCS1v15())
    else:
        algorithm = _oaep_hash(transport)
        wrapped = public_key.encrypt(key, padding.OAEP(mgf=padding.MGF1(algorithm), algorithm=algorithm, label=None))
    cert = asn1_certificate(recipient)
    return cms.RecipientInfo(
        name="ktri",
        value=cms.KeyTransRecipientInfo(
            {
                "version": "v0",
                "rid": cms.RecipientIdentifier(
                    name="issuer_and_serial_number",
                    value={"issuer": cert.issuer, "serial_number": cert.serial_number},
                ),
                "key_encryption_algorithm": _key_encryption_algorithm(transport),
                "encrypted_key": wrapped,
            }
        ),
    )


def encrypt(
    content: bytes,
    *,
    recipient: x509.Certificate,
    encryption: ContentEncryption = ContentEncryption.AES256_CBC,
    key_transport: KeyTransport = KeyTransport.RSA_PKCS1V15,
) -> bytes:
    """Encrypt ``content`` for ``recipient``; return a DER ``ContentInfo``.

    CBC ciphers give EnvelopedData, GCM gives AuthEnvelopedData (RFC 5083).
    """
    if encryption.authenticated:
        oid_name, size = _GCM[encryption]
        key, nonce = os.urandom(size), os.urandom(12)
        sealed = AESGCM(key).encrypt(nonce, content, None)
        params = _GcmParameters({"aes_nonce": nonce, "aes_icvlen": _TAG_LENGTH})
        auth_enveloped = cms.AuthEnvelopedData(
            {
                "version": "v0",
                "recipient_infos": [_recipient_info(recipient, key, key_transport)],
                "auth_encrypted_content_info": {
                    "content_type": "data",
                    "content_encryption_algorithm": {"algorithm": oid_name, "parameters": params},
                    "encrypted_content": sealed[:-_TAG_LENGTH],
                },
                "mac": sealed[-_TAG_LENGTH:],
            }
        )
        return bytes(
            cms.ContentInfo({"content_type": "authenticated_enveloped_data", "content": auth_enveloped}).dump()
        )
    oid_name, size = _CBC[encryption]
    key = os.urandom(size)
    cipher_algorithm = _cbc_cipher(encryption, key)
    iv = os.urandom(cipher_algorithm.block_size // 8)
    padder = sym_padding.PKCS7(cipher_algorithm.block_size).padder()
    encryptor = Cipher(cipher_algorithm, modes.CBC(iv)).encryptor()
    ciphertext = encryptor.update(padder.update(content) + padder.finalize()) + encryptor.finalize()
    enveloped = cms.EnvelopedData(
        {
            "version": "v0",
            "recipient_infos": [_recipient_info(recipient, key, key_transport)],
            "encrypted_content_info": {
                "content_type": "data",
                "content_encryption_algorithm": {"algorithm": oid_name, "parameters": core.OctetString(iv)},
                "encrypted_content": ciphertext,
            },
        }
    )
    return bytes(cms.ContentInfo({"content_type": "enveloped_data", "content": enveloped}).dump())


def _transport_of(algorithm: cms.KeyEncryptionAlgorithm) -> KeyTransport:
    name = algorithm["algorithm"].native
    if name == "rsaes_pkcs1v15":
        return KeyTransport.RSA_PKCS1V15
    if name != "rsaes_oaep":
        raise UnsupportedAlgorithm(f"unsupported key transport {name}")
    params = algorithm["parameters"]
    hash_name = "sha1" if params.native is None else params["hash_algorithm"]["algorithm"].native
    mgf_hash = "sha1" if params.native is None else params["mask_gen_algorithm"]["parameters"]["algorithm"].native
    if hash_name != mgf_hash or hash_name not in ("sha1", "sha256"):
        raise UnsupportedAlgorithm(f"unsupported RSA-OAEP parameters (hash {hash_name}, MGF1 {mgf_hash})")
    return KeyTransport.RSA_OAEP_SHA1 if hash_name == "sha1" else KeyTransport.RSA_OAEP_SHA256


def _unwrap_key(ri: cms.KeyTransRecipientInfo, key: rsa.RSAPrivateKey) -> tuple[bytes, KeyTransport]:
    transport = _transport_of(ri["key_encryption_algorithm"])
    wrapped = ri["encrypted_key"].native
    if transport is KeyTransport.RSA_PKCS1V15:
        return key.decrypt(wrapped, padding.PKCS1v15()), transport
    algorithm = _oaep_hash(transport)
    return key.decrypt(wrapped, padding.OAEP(mgf=padding.MGF1(algorithm), algorithm=algorithm, label=None)), transport


def _our_recipient(infos: cms.RecipientInfos, certificate: x509.Certificate) -> cms.KeyTransRecipientInfo:
    cert = asn1_certificate(certificate)
    for info in infos:
        if info.name != "ktri":
            continue
        rid = info.chosen["rid"]
        if rid.name == "issuer_and_serial_number":
            if issued_by_serial(rid.chosen["issuer"], rid.chosen["serial_number"].native, cert):
                return info.chosen
        elif rid.chosen.native == cert.key_identifier:
            return info.chosen
    raise DecryptionFailed(
        f"the message is not encrypted for our certificate (serial {certificate.serial_number:x}); "
        "the partner may hold an old certificate of ours"
    )


def decrypt(der: bytes, *, certificate: x509.Certificate, key: rsa.RSAPrivateKey) -> Decrypted:
    """Decrypt EnvelopedData or AuthEnvelopedData addressed to ``certificate``.

    :raises MalformedMessage: neither structure.
    :raises DecryptionFailed: not for us, a wrong key, or a corrupted or tampered ciphertext.
    :raises UnsupportedAlgorithm: RC2, RC4, DES or another cipher we refuse.
    """
    try:
        info = cms.ContentInfo.load(der)
        kind = info["content_type"].native
        body = info["content"]
        if kind not in ("enveloped_data", "authenticated_enveloped_data"):
            raise MalformedMessage(f"expected CMS EnvelopedData, got {kind}")
        recipient = _our_recipient(body["recipient_infos"], certificate)
        content_info = body["auth_encrypted_content_info" if kind != "enveloped_data" else "encrypted_content_info"]
        algorithm = content_info["content_encryption_algorithm"]
        oid_name = algorithm["algorithm"].native
        ciphertext = content_info["encrypted_content"].native or b""
    except (ValueError, TypeError, KeyError) as exc:
        raise MalformedMessage(f"unreadable CMS envelope: {exc}") from exc
    if oid_name not in _BY_OID_NAME:
        raise UnsupportedAlgorithm(f"unsupported content encryption {oid_name}")
    try:
        content_key, transport = _unwrap_key(recipient, key)
        if kind == "authenticated_enveloped_data":
            params = _GcmParameters.load(algorithm["parameters"].dump())
            if len(content_key) != _GCM[_BY_OID_NAME[oid_name]][1] or params["aes_icvlen"].native != _TAG_LENGTH:
                raise ValueError("content key or tag size")
            nonce = params["aes_nonce"].native
            plain = AESGCM(content_key).decrypt(nonce, ciphertext + body["mac"].native, _auth_attrs(body))
        else:
            plain = _cbc_decrypt(_BY_OID_NAME[oid_name], content_key, algorithm["parameters"].native, ciphertext)
    except UnsupportedAlgorithm:
        raise
    except Exception as exc:
        raise DecryptionFailed("the envelope does not decrypt with our key (wrong key or corrupted data)") from exc
    return Decrypted(plain, _BY_OID_NAME[oid_name], transport)


def _auth_attrs(body: cms.AuthEnvelopedData) -> bytes | None:
    attrs = body["auth_attrs"]
    # RFC 5083 §2.1: authenticated attributes are MACed in their DER SET OF form.
    return None if attrs.native is None else b"\x31" + attrs.dump()[1:]


def _cbc_decrypt(alg: ContentEncryption, key: bytes, iv: bytes, ciphertext: bytes) -> bytes:
    if len(key) != _CBC[alg][1]:
        raise ValueError("content key size")
    cipher_algorithm = _cbc_cipher(alg, key)
    decryptor = Cipher(cipher_algorithm, modes.CBC(iv)).decryptor()
    padded = decryptor.update(ciphertext) + decryptor.finalize()
    unpadder = sym_padding.PKCS7(cipher_algorithm.block_size).unpadder()
    return unpadder.update(padded) + unpadder.finalize()
