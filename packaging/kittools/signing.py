"""The kit's checksums and their Ed25519 signature, checkable at the receiving site with stock tools.

``SHA256SUMS`` is in the format ``sha256sum -c --strict`` reads (``<hex>  <relative path>``, one line per file,
sorted, LF); ``SHA256SUMS.sig`` holds the 64 raw bytes of an Ed25519 signature over the file's exact bytes, the
way exchange packages sign their manifest, so that

    openssl pkeyutl -verify -pubin -inkey PINNED.pub.pem -rawin -in SHA256SUMS -sigfile SHA256SUMS.sig

checks it. A key's id is the hex SHA-256 of its DER SubjectPublicKeyInfo, the workbench's fingerprint everywhere.

Where the signing key comes from (decided here, documented in docs/packaging.md): a PKCS#8 PEM given by path (made with
``openssl genpkey -algorithm ed25519``, optionally encrypted), or, for development builds only, a key generated
once per checkout under build/ whose fingerprint every build prints with a warning.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

logger = logging.getLogger(__name__)

SUMS_NAME = "SHA256SUMS"
SIGNATURE_NAME = "SHA256SUMS.sig"
SIGNATURE_SIZE = 64
_CHUNK = 1 << 20


class KitError(Exception):
    """A refusal of the kit build, in one line for the person running it."""


@dataclass(frozen=True)
class SigningKey:
    """A private Ed25519 key with what the build prints and ships about it."""

    private: Ed25519PrivateKey
    public_pem: bytes
    key_id: str
    source: str
    development: bool


def key_id_of(public: Ed25519PublicKey) -> str:
    """Hex SHA-256 of the DER SubjectPublicKeyInfo: what ``openssl pkey -pubin -outform DER | sha256sum`` prints."""
    der = public.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return hashlib.sha256(der).hexdigest()


def format_fingerprint(key_id: str) -> str:
    """The fingerprint in groups of four, as it is read out over the phone."""
    return " ".join(key_id[index : index + 4] for index in range(0, len(key_id), 4))


def _signing_key(private: Ed25519PrivateKey, source: str, development: bool) -> SigningKey:
    public = private.public_key()
    pem = public.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return SigningKey(private, pem, key_id_of(public), source, development)


def load_signing_key(path: Path, passphrase: bytes | None = None) -> SigningKey:
    """Load a PKCS#8 PEM Ed25519 private key; refuses other key types, a wrong passphrase and unreadable files."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise KitError(f"cannot read the signing key {path}: {exc.strerror}") from None
    try:
        private = serialization.load_pem_private_key(data, password=passphrase)
    except TypeError:
        raise KitError(f"the signing key {path} is encrypted: set KIT_SIGNING_KEY_PASSPHRASE") from None
    except (ValueError, UnsupportedAlgorithm):
        raise KitError(f"{path} is not a PEM private key, or the passphrase is wrong") from None
    if not isinstance(private, Ed25519PrivateKey):
        raise KitError(
            f"the signing key {path} is not an Ed25519 key (make one with: "
            "openssl genpkey -algorithm ed25519 -out KEY.pem)"
        )
    return _signing_key(private, str(path), development=False)


def development_key(path: Path) -> SigningKey:
    """The checkout's development key: loaded from ``path``, or generated there once (mode 0600).

    Kits signed with it are for testing: its public key never leaves the build machine by any trusted route.
    """
    if path.exists():
        key = load_signing_key(path)
        return SigningKey(key.private, key.public_pem, key.key_id, f"development key {path}", development=True)
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    logger.info("generated a development signing key at %s", path)
    return _signing_key(private, f"development key {path} (new)", development=True)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def kit_files(root: Path) -> list[str]:
    """Every file of the kit as a sorted relative POSIX path, except the checksum file and its signature.

    Refuses links, special files and names that ``sha256sum`` would have to escape, so that the receiving site's
    ``sha256sum -c --strict`` reads the list exactly as written.
    """
    names = []
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            raise KitError(f"the kit may hold only plain files and folders: {relative}")
        if path.is_dir() or relative in (SUMS_NAME, SIGNATURE_NAME):
            continue
        if any(character in relative for character in "\n\r\\") or relative.startswith("-"):
            raise KitError(f"a file name in the kit cannot be listed in {SUMS_NAME}: {relative!r}")
        names.append(relative)
    return names


def write_sums(root: Path) -> Path:
    """Write ``root/SHA256SUMS`` over every file of the kit; returns its path."""
    lines = [f"{sha256_file(root / name)}  {name}\n" for name in kit_files(root)]
    target = root / SUMS_NAME
    target.write_text("".join(lines), encoding="utf-8", newline="\n")
    return target


def sign_file(path: Path, key: SigningKey) -> Path:
    """Write ``<path>.sig``: the 64 raw bytes of an Ed25519 signature over the file's exact bytes."""
    signature = key.private.sign(path.read_bytes())
    target = path.with_name(path.name + ".sig")
    target.write_bytes(signature)
    return target


def verify_file(path: Path, signature_path: Path, public_pem: bytes) -> bool:
    """True when ``signature_path`` holds a valid signature of ``path`` by the key in ``public_pem``."""
    public = serialization.load_pem_public_key(public_pem)
    if not isinstance(public, Ed25519PublicKey):
        return False
    signature = signature_path.read_bytes()
    if len(signature) != SIGNATURE_SIZE:
        return False
    try:
        public.verify(signature, path.read_bytes())
    except InvalidSignature:
        return False
    return True
