"""Helpers for the exchange tests: two agencies with each other's keys pinned, and hand-made packages.

``Pair`` is the EU workspace (the producer) and the US workspace (the recipient) from the conftest fixtures,
keys exchanged with the real PEM files and fingerprints. ``craft`` writes a package folder from a manifest dict,
files and a signer, so that tests can build exactly the hostile input a threat line describes.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
import rfc8785
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from workbench.domain.timestamps import format_stix_timestamp, utc_now
from workbench.domain.tlp import Tlp
from workbench.services import exchange, keys
from workbench.services.importing.importer import import_file
from workbench.services.workspace import Workspace
from workbench.storage.objects import store_digest

Signer = Callable[[bytes], bytes]


@dataclass
class Pair:
    eu: Workspace
    us: Workspace
    eu_pem: Path
    us_pem: Path
    folder: Path

    @property
    def eu_key(self) -> str:
        return keys.active_key(self.eu.conn).key_id

    @property
    def us_key(self) -> str:
        return keys.active_key(self.us.conn).key_id

    def eu_signs(self, data: bytes) -> bytes:
        return keys.sign(self.eu.conn, data)[1]

    def stock(self, *objects: dict[str, Any]) -> None:
        """Put objects into the EU workspace through the importer."""
        path = self.folder / f"stock-{uuid.uuid4()}.json"
        path.write_bytes(orjson.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": list(objects)}))
        import_file(self.eu, path)

    def medium(self) -> Path:
        path = self.folder / f"usb-{uuid.uuid4().hex[:8]}"
        path.mkdir()
        return path

    def export(self, **options: Any) -> exchange.ExportResult:
        return exchange.export_package(
            self.eu, options.pop("dest", None) or self.medium(), "US Cybersecurity Agency", **options
        )


@pytest.fixture
def pair(workspace: Workspace, partner_workspace: Workspace, tmp_path: Path) -> Pair:
    """EU and US agencies with each other's public key and STIX identity pinned (ceilings AMBER both ways)."""
    eu_pem, us_pem = tmp_path / "eu.pub.pem", tmp_path / "us.pub.pem"
    keys.export_public(workspace, eu_pem)
    keys.export_public(partner_workspace, us_pem)
    exchange.add_partner(
        workspace,
        "US Cybersecurity Agency",
        us_pem.read_bytes(),
        tlp_send=Tlp.AMBER,
        identity_ref=partner_workspace.identity_id,
    )
    exchange.add_partner(
        partner_workspace,
        "EU Agency for Cybersecurity",
        eu_pem.read_bytes(),
        tlp_accept=Tlp.AMBER,
        identity_ref=workspace.identity_id,
    )
    return Pair(workspace, partner_workspace, eu_pem, us_pem, tmp_path)


def new_private_key() -> tuple[Ed25519PrivateKey, bytes, str]:
    """A key no workspace knows: (private key, public PEM, key id)."""
    private = Ed25519PrivateKey.generate()
    der = private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    pem = private.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, pem, keys.fingerprint(der)


def bundle_bytes(*objects: dict[str, Any], bundle_id: str | None = None) -> bytes:
    return orjson.dumps({"type": "bundle", "id": bundle_id or f"bundle--{uuid.uuid4()}", "objects": list(objects)})


def manifest_for(pair: Pair, bundle: bytes, **overrides: Any) -> dict[str, Any]:
    """A correct manifest from EU to US for this bundle; ``overrides`` replace top-level fields."""
    parsed = orjson.loads(bundle)
    now = utc_now()
    document = {
        "format": "stix-exchange-package/1",
        "package_id": str(uuid.uuid4()),
        "producer": {"name": "EU Agency for Cybersecurity", "identity_ref": pair.eu.identity_id, "key_id": pair.eu_key},
        "recipients": [{"name": "US Cybersecurity Agency", "key_id": pair.us_key}],
        "sequence": 1,
        "previous_manifest_sha256": None,
        "created": format_stix_timestamp(now),
        "expires": format_stix_timestamp(now.replace(year=now.year + 1)),
        "tlp_ceiling": Tlp.AMBER.marking_id,
        "stix": {"bundle_id": parsed["id"], "spec_version": "2.1", "object_count": len(parsed["objects"])},
        "files": [
            {
                "path": "payload/bundle.json",
                "size": len(bundle),
                "sha256": hashlib.sha256(bundle).hexdigest(),
                "media_type": "application/stix+json;version=2.1",
            }
        ],
    }
    document.update(overrides)
    return document


def craft(
    folder: Path, manifest: dict[str, Any] | bytes, files: dict[str, bytes], signer: Signer, name: str = "package"
) -> Path:
    """Write a package folder: the manifest (canonical unless given as bytes), its signature, the files."""
    root = folder / name
    root.mkdir()
    data = manifest if isinstance(manifest, bytes) else rfc8785.dumps(manifest)
    (root / "manifest.json").write_bytes(data)
    (root / "manifest.json.sig").write_bytes(signer(data))
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return root


def resign(package: Path, signer: Signer, change: Callable[[dict[str, Any]], None]) -> None:
    """Edit a written package's manifest and sign it again."""
    document = orjson.loads((package / "manifest.json").read_bytes())
    change(document)
    data = rfc8785.dumps(document)
    (package / "manifest.json").write_bytes(data)
    (package / "manifest.json.sig").write_bytes(signer(data))


def digest(ws: Workspace) -> str:
    return store_digest(ws.conn)
