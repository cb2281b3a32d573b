"""CMS CompressedData (RFC 3274) with zlib, the only algorithm defined for it.

AS2 1.1 (RFC 5402) compresses either the payload before signing or the signed
entity after; a receiver must accept both orders, which :mod:`.inbound` does by
unwrapping whatever structure comes next.
"""

from __future__ import annotations

import zlib

from asn1crypto import cms  # type: ignore[import-untyped]  # no stubs

from gateway.transports.as2.errors import DecompressionFailed, MalformedMessage

__all__ = ["compress", "decompress"]

MAX_INFLATED = 2 * 1024**3
"""Refuse to inflate beyond this (a zip bomb guard; AS2 Restart-sized files stay below)."""


def compress(content: bytes) -> bytes:
    """Return ``content`` as a DER ``ContentInfo`` holding zlib CompressedData."""
    compressed = cms.CompressedData(
        {
            "version": "v0",
            "compression_algorithm": {"algorithm": "zlib"},
            "encap_content_info": {"content_type": "data", "content": zlib.compress(content)},
        }
    )
    return bytes(cms.ContentInfo({"content_type": "compressed_data", "content": compressed}).dump())


def decompress(der: bytes, *, limit: int = MAX_INFLATED) -> bytes:
    """Inflate a CompressedData ``ContentInfo``.

    :raises MalformedMessage: not CompressedData.
    :raises DecompressionFailed: not zlib, corrupt, or larger than ``limit``.
    """
    try:
        info = cms.ContentInfo.load(der)
        kind = info["content_type"].native
        if kind != "compressed_data":
            raise MalformedMessage(f"expected CMS CompressedData, got {kind}")
        body = info["content"]
        algorithm = body["compression_algorithm"]["algorithm"].native
        data = body["encap_content_info"]["content"].native
    except (ValueError, TypeError) as exc:
        raise MalformedMessage(f"unreadable CMS CompressedData: {exc}") from exc
    if algorithm != "zlib":
        raise DecompressionFailed(f"unsupported compression algorithm {algorithm}")
    inflater = zlib.decompressobj()
    try:
        out = inflater.decompress(bytes(data), limit + 1)
    except zlib.error as exc:
        raise DecompressionFailed(f"corrupt zlib data: {exc}") from exc
    if len(out) > limit or not inflater.eof:
        raise DecompressionFailed("compressed data is truncated or inflates beyond the size limit")
    return out
