"""Compressed data told by its first bytes: a package is carried as an uncompressed tar, a STIX file as JSON text,
and a compressed one is refused with a message that says so (instead of "not UTF-8" or "not a tar")."""

from __future__ import annotations

_MAGIC = {b"\x1f\x8b": "gzip", b"BZ": "bzip2", b"\xfd7": "xz", b"(\xb5": "zstd"}


def compression_of(head: bytes) -> str | None:
    """``gzip``, ``bzip2``, ``xz`` or ``zstd`` for data beginning with ``head``; None otherwise."""
    return _MAGIC.get(head[:2])
