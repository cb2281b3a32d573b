"""The AS2 message layer (RFC 4130): S/MIME, MIC, MDN and certificates, as pure functions.

Layout, one job per module:

- :mod:`.mime`: MIME entities on raw bytes, canonical form, multipart splitting;
- :mod:`.mic`: the MIC and ``Received-Content-MIC``;
- :mod:`.signing`, :mod:`.enveloping`, :mod:`.compression`: CMS SignedData,
  (Auth)EnvelopedData and CompressedData on asn1crypto + ``cryptography``;
- :mod:`.smime`: the S/MIME entities around them;
- :mod:`.disposition`, :mod:`.mdn`: receipts;
- :mod:`.outbound`, :mod:`.inbound`: whole messages;
- :mod:`.config`, :mod:`.certificates`: parties, quirk switches, keys.

The HTTP exchange itself (sync/async MDN delivery, chunked bodies) belongs to
the transport that uses this package.
"""

from gateway.transports.as2.algorithms import (
    ContentEncryption,
    DigestAlgorithm,
    DigestSpelling,
    KeyTransport,
    SignatureScheme,
)
from gateway.transports.as2.certificates import (
    CertificateStatus,
    KeyPair,
    Validity,
    check_chain,
    check_validity,
    load_certificate,
    load_key_pair,
)
from gateway.transports.as2.config import As2Identity, As2Partner, As2Quirks, Compression, MdnMode
from gateway.transports.as2.disposition import Disposition, MdnRequest
from gateway.transports.as2.errors import (
    As2Error,
    CertificateProblem,
    DecompressionFailed,
    DecryptionFailed,
    MalformedMessage,
    MdnMismatch,
    MicMismatch,
    SignatureInvalid,
    UnknownAs2Partner,
    UnsignedMdn,
    UnsignedMessage,
    UnsupportedAlgorithm,
)
from gateway.transports.as2.inbound import InboundResult, Parties, PartyLookup, process_message
from gateway.transports.as2.mdn import MdnResult, OutboundMdn, build_mdn, read_mdn
from gateway.transports.as2.mic import Mic, compute_mic, parse_mic
from gateway.transports.as2.outbound import OutboundMessage, build_message

__all__ = [
    # parties and profiles
    "As2Identity",
    "As2Partner",
    "As2Quirks",
    "Compression",
    "MdnMode",
    "ContentEncryption",
    "DigestAlgorithm",
    "DigestSpelling",
    "KeyTransport",
    "SignatureScheme",
    # messages
    "OutboundMessage",
    "build_message",
    "InboundResult",
    "Parties",
    "PartyLookup",
    "process_message",
    # receipts
    "Disposition",
    "MdnRequest",
    "MdnResult",
    "OutboundMdn",
    "build_mdn",
    "read_mdn",
    "Mic",
    "compute_mic",
    "parse_mic",
    # certificates
    "CertificateStatus",
    "KeyPair",
    "Validity",
    "check_chain",
    "check_validity",
    "load_certificate",
    "load_key_pair",
    # errors
    "As2Error",
    "CertificateProblem",
    "DecompressionFailed",
    "DecryptionFailed",
    "MalformedMessage",
    "MdnMismatch",
    "MicMismatch",
    "SignatureInvalid",
    "UnknownAs2Partner",
    "UnsignedMdn",
    "UnsignedMessage",
    "UnsupportedAlgorithm",
]
