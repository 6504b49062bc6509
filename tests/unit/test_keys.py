"""The own signing key: stored only encrypted, exported as PEM, fingerprint equal to OpenSSL's."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

import pytest

from workbench.domain.errors import InvalidInput
from workbench.services import keys
from workbench.services.workspace import Workspace


def test_fingerprint_matches_openssl(workspace: Workspace, tmp_path: Path) -> None:
    pem = tmp_path / "ours.pub.pem"
    key = keys.export_public(workspace, pem)
    der = subprocess.run(
        ["openssl", "pkey", "-pubin", "-in", str(pem), "-outform", "DER"], capture_output=True, check=True
    ).stdout
    assert hashlib.sha256(der).hexdigest() == key.key_id
    assert b"PRIVATE" not in pem.read_bytes()


def test_signature_verifies_with_openssl(workspace: Workspace, tmp_path: Path) -> None:
    pem = tmp_path / "ours.pub.pem"
    keys.export_public(workspace, pem)
    message = tmp_path / "message"
    message.write_bytes(b"manifest bytes")
    _, signature = keys.sign(workspace.conn, message.read_bytes())
    (tmp_path / "message.sig").write_bytes(signature)
    result = subprocess.run(
        [
            "openssl",
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            str(pem),
            "-rawin",
            "-in",
            str(message),
            "-sigfile",
            str(tmp_path / "message.sig"),
        ],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_rotate_retires_old_key(workspace: Workspace) -> None:
    old = keys.active_key(workspace)
    new = keys.rotate(workspace)
    assert keys.active_key(workspace).key_id == new.key_id != old.key_id
    assert [k.active for k in keys.own_keys(workspace)] == [False, True]


def test_non_ed25519_or_garbage_pem_is_refused(tmp_path: Path) -> None:
    rsa = subprocess.run(
        ["openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"], capture_output=True, check=True
    ).stdout
    rsa_pub = subprocess.run(["openssl", "pkey", "-pubout"], input=rsa, capture_output=True, check=True).stdout
    with pytest.raises(InvalidInput, match="not an Ed25519"):
        keys.load_public_pem(rsa_pub)
    with pytest.raises(InvalidInput, match="not a PEM"):
        keys.load_public_pem(b"hello")
