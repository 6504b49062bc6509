"""SHA256SUMS and its Ed25519 signature, checked the way the receiving site checks them: with stock OpenSSL and
coreutils, not with our own code."""

from __future__ import annotations

import hashlib
import os
import stat
import subprocess
from pathlib import Path

import pytest
from kittools.signing import (
    SIGNATURE_SIZE,
    KitError,
    development_key,
    format_fingerprint,
    load_signing_key,
    sign_file,
    write_sums,
)


def make_kit(root: Path) -> Path:
    (root / "wheels").mkdir(parents=True)
    (root / "wheels" / "demo-1.0-py3-none-any.whl").write_bytes(b"PK\x03\x04 not really a wheel")
    (root / "install.sh").write_text("#!/bin/sh\necho installed\n")
    (root / "VERSION").write_text("1.0\n")
    return root


def openssl_verify(public_pem: Path, data: Path, signature: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            "openssl",
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            str(public_pem),
            "-rawin",
            "-in",
            str(data),
            "-sigfile",
            str(signature),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_openssl_verifies_the_signed_sums_and_sha256sum_checks_every_file(tmp_path: Path) -> None:
    kit = make_kit(tmp_path / "kit")
    key = development_key(tmp_path / "dev.pem")
    sums = write_sums(kit)
    signature = sign_file(sums, key)
    (tmp_path / "pinned.pem").write_bytes(key.public_pem)

    assert signature.name == "SHA256SUMS.sig" and len(signature.read_bytes()) == SIGNATURE_SIZE
    verified = openssl_verify(tmp_path / "pinned.pem", sums, signature)
    assert verified.returncode == 0 and "Signature Verified Successfully" in verified.stdout
    listed = [line.split("  ", 1)[1] for line in sums.read_text().splitlines()]
    assert listed == ["VERSION", "install.sh", "wheels/demo-1.0-py3-none-any.whl"]
    checked = subprocess.run(
        ["sha256sum", "-c", "--strict", "SHA256SUMS"], cwd=kit, capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0 and checked.stdout.count(": OK") == 3

    # The fingerprint printed by the build is the one `openssl pkey -pubin -outform DER | sha256sum` gives.
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-in", str(tmp_path / "pinned.pem"), "-outform", "DER"],
        capture_output=True,
        check=True,
    ).stdout
    assert hashlib.sha256(der).hexdigest() == key.key_id
    assert format_fingerprint(key.key_id).replace(" ", "") == key.key_id


def test_a_changed_file_or_changed_sums_are_caught(tmp_path: Path) -> None:
    kit = make_kit(tmp_path / "kit")
    key = development_key(tmp_path / "dev.pem")
    sums = write_sums(kit)
    signature = sign_file(sums, key)
    (tmp_path / "pinned.pem").write_bytes(key.public_pem)

    (kit / "install.sh").write_text("#!/bin/sh\necho something else\n")
    checked = subprocess.run(
        ["sha256sum", "-c", "--strict", "--quiet", "SHA256SUMS"], cwd=kit, capture_output=True, text=True, check=False
    )
    assert checked.returncode != 0 and "install.sh: FAILED" in checked.stdout

    # Whoever changed install.sh and rewrote SHA256SUMS to match cannot make the signature fit.
    write_sums(kit)
    refused = openssl_verify(tmp_path / "pinned.pem", sums, signature)
    assert refused.returncode != 0 and "Signature Verification Failure" in refused.stdout


def test_another_key_does_not_verify(tmp_path: Path) -> None:
    kit = make_kit(tmp_path / "kit")
    sums = write_sums(kit)
    signature = sign_file(sums, development_key(tmp_path / "ours.pem"))
    (tmp_path / "theirs.pem").write_bytes(development_key(tmp_path / "theirs-private.pem").public_pem)
    assert openssl_verify(tmp_path / "theirs.pem", sums, signature).returncode != 0


def test_development_key_is_private_and_reused(tmp_path: Path) -> None:
    first = development_key(tmp_path / "build" / "kit-signing-key.pem")
    mode = stat.S_IMODE((tmp_path / "build" / "kit-signing-key.pem").stat().st_mode)
    assert mode == 0o600
    again = development_key(tmp_path / "build" / "kit-signing-key.pem")
    assert again.key_id == first.key_id and again.development


def test_release_key_made_by_openssl_with_a_passphrase(tmp_path: Path) -> None:
    key_file = tmp_path / "release.pem"
    subprocess.run(
        [
            "openssl",
            "genpkey",
            "-algorithm",
            "ed25519",
            "-aes-256-cbc",
            "-pass",
            "pass:s3cret words",
            "-out",
            str(key_file),
        ],
        check=True,
        capture_output=True,
    )
    with pytest.raises(KitError, match="encrypted: set KIT_SIGNING_KEY_PASSPHRASE"):
        load_signing_key(key_file)
    with pytest.raises(KitError, match="passphrase is wrong"):
        load_signing_key(key_file, b"other words")
    key = load_signing_key(key_file, b"s3cret words")
    assert not key.development

    public = tmp_path / "release.pub.pem"
    subprocess.run(
        ["openssl", "pkey", "-in", str(key_file), "-passin", "pass:s3cret words", "-pubout", "-out", str(public)],
        check=True,
        capture_output=True,
    )
    assert public.read_bytes() == key.public_pem


def test_refuses_keys_that_are_not_ed25519_and_kits_with_links(tmp_path: Path) -> None:
    rsa = tmp_path / "rsa.pem"
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "rsa", "-pkeyopt", "rsa_keygen_bits:1024", "-out", str(rsa)],
        check=True,
        capture_output=True,
    )
    with pytest.raises(KitError, match="not an Ed25519 key"):
        load_signing_key(rsa)
    with pytest.raises(KitError, match="cannot read the signing key"):
        load_signing_key(tmp_path / "missing.pem")

    kit = make_kit(tmp_path / "kit")
    os.symlink("/etc/passwd", kit / "wheels" / "sneaky.whl")
    with pytest.raises(KitError, match="only plain files"):
        write_sums(kit)
