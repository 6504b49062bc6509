"""Backups of a workspace and their restore: verified, encrypted, never half-written, never over a workspace."""

from __future__ import annotations

import base64
import fcntl
import os
import shutil
import subprocess
from pathlib import Path

import orjson
import pytest
import rfc8785
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.conftest import PASSPHRASE, indicator, malware
from workbench.domain.errors import Cancelled, InvalidInput, VerificationFailed, WorkbenchError, WrongPassphrase
from workbench.services import backup, keys
from workbench.services.backup import Encryption, back_up, backup_status, inspect_backup, restore_backup
from workbench.services.cases import create_case
from workbench.services.workspace import Workspace, open_workspace
from workbench.storage import audit, migrations, snapshot
from workbench.storage.database import Database
from workbench.storage.meta import get_meta
from workbench.storage.objects import ObjectStore, store_digest

DATA = Path(__file__).resolve().parents[1] / "data"
V1_PASSPHRASE = "workbench schema v1 fixture"
CANARY = "CANARY-51c0-Backup-Plaintext-Must-Not-Leak"


def fill(ws: Workspace, count: int = 50, text: str = "beacon") -> None:
    with ws.transaction() as conn:
        store = ObjectStore(conn)
        source = store.add_source("file", f"{text}.json")
        for index in range(count):
            store.put(indicator(name=f"{text} {index}", description=f"{text} seen"), source)
        audit.append(conn, "import", {"new": count})


def usb(tmp_path: Path) -> Path:
    folder = tmp_path / "usb"
    folder.mkdir(exist_ok=True)
    return folder


def resign(folder: Path, change, private: Ed25519PrivateKey) -> None:  # type: ignore[no-untyped-def]
    """Edit a written backup's manifest and sign it again with ``private``."""
    document = orjson.loads((folder / "manifest.json").read_bytes())
    change(document)
    data = rfc8785.dumps(document)
    (folder / "manifest.json").write_bytes(data)
    (folder / "manifest.json.sig").write_bytes(private.sign(data))


def own_private_key(ws: Workspace) -> Ed25519PrivateKey:
    row = ws.conn.execute("SELECT private_key FROM own_keys WHERE retired IS NULL").fetchone()
    key = serialization.load_der_private_key(bytes(row[0]), password=None)
    assert isinstance(key, Ed25519PrivateKey)
    return key


def files_in(folder: Path) -> list[str]:
    return sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*"))


# -- backing up --------------------------------------------------------------------------------------------------


def test_backup_is_the_workspace_as_it_was_signed_and_restores_equal(workspace: Workspace, tmp_path: Path) -> None:
    fill(workspace)
    create_case(workspace, "incident", "Grid intrusion")
    before = store_digest(workspace.conn)
    written = back_up(workspace, usb(tmp_path))

    assert written.path.parent == usb(tmp_path) and written.path.name == written.manifest.folder_name
    assert sorted(path.name for path in written.path.iterdir()) == [
        "manifest.json",
        "manifest.json.sig",
        "workspace.backup",
    ]
    manifest = written.manifest
    assert manifest.workspace_name == workspace.org_name and manifest.identity_ref == workspace.identity_id
    assert manifest.schema_version == migrations.latest_version()
    assert manifest.counts["objects"] == workspace.objects.count() and manifest.counts["cases"] == 1
    assert manifest.key_id == keys.active_key(workspace.conn).key_id
    assert manifest.encryption is Encryption.WORKSPACE
    # The copy is exactly the store as it was; the backup itself is then an audit entry of the workspace.
    with snapshot.read_only(written.path / "workspace.backup", workspace.db.key) as copy:
        assert store_digest(copy) == before
    entry = list(audit.entries(workspace.conn, action="workspace.backup"))[-1]
    assert entry.details["backup_id"] == manifest.backup_id and entry.details["sha256"] == manifest.file_sha256
    # Stock tools check the signature: the key in the manifest, over the manifest's exact bytes.
    info = inspect_backup(written.path)
    assert info.manifest == manifest

    target = tmp_path / "restored" / "agency.db"
    target.parent.mkdir()
    restored = restore_backup(written.path, target, PASSPHRASE)
    assert restored.schema_before == restored.schema_after == migrations.latest_version()
    assert files_in(target.parent) == ["agency.db"]
    again = open_workspace(target, PASSPHRASE)
    try:
        assert again.db.integrity_check() == "ok" and audit.verify(again.conn).ok
        assert again.objects.count() == workspace.objects.count()
        assert [hit.id for hit in again.objects.search("beacon")] == [
            hit.id for hit in workspace.objects.search("beacon")
        ]
        last = list(audit.entries(again.conn))[-1]
        assert last.action == "workspace.restored" and last.details["backup_id"] == manifest.backup_id
    finally:
        again.close()


def test_separate_backup_passphrase_has_its_own_salt_and_is_the_only_one_that_opens_it(
    workspace: Workspace, tmp_path: Path
) -> None:
    fill(workspace, 5)
    written = back_up(workspace, usb(tmp_path), backup_passphrase="a different backup secret")
    assert written.manifest.encryption is Encryption.BACKUP
    data = (written.path / "workspace.backup").read_bytes()
    assert data[:16] != workspace.path.read_bytes()[:16]  # a salt of its own
    with pytest.raises(WrongPassphrase, match="the backup passphrase chosen when it was made"):
        restore_backup(written.path, tmp_path / "a.db", PASSPHRASE)
    assert not (tmp_path / "a.db").exists() and not list(tmp_path.glob(".a.db*"))
    restore_backup(written.path, tmp_path / "b.db", "a different backup secret")
    open_workspace(tmp_path / "b.db", "a different backup secret").close()


def test_no_plaintext_in_the_backup_or_beside_it(workspace: Workspace, tmp_path: Path) -> None:
    with workspace.transaction() as conn:
        store = ObjectStore(conn)
        source = store.add_source("file", f"{CANARY}.json")
        for index in range(500):
            store.put(indicator(name=f"{CANARY} {index}", description=CANARY * 5), source)
        store.put(malware(name=CANARY), source)
    create_case(workspace, "incident", f"Case {CANARY}")
    assert workspace.objects.search(CANARY.split("-")[0])
    dest = usb(tmp_path)
    back_up(workspace, dest)
    back_up(workspace, dest, backup_passphrase="another secret here")
    files = [path for path in dest.rglob("*") if path.is_file()]
    assert len(files) == 6
    for path in files:
        data = path.read_bytes()
        assert CANARY.encode() not in data and CANARY.encode("utf-16-le") not in data, path.name
        assert not data.startswith(b"SQLite format 3")


def test_not_enough_room_is_refused_before_anything_is_written(workspace: Workspace, tmp_path: Path) -> None:
    dest = usb(tmp_path)
    free = shutil.disk_usage(dest).free
    with pytest.raises(InvalidInput, match=r"not enough free space .* the backup needs about"):
        back_up(workspace, dest, reserve=free)
    assert files_in(dest) == []
    assert not list(audit.entries(workspace.conn, action="workspace.backup"))


def test_cancel_while_copying_leaves_nothing(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(workspace, 500)
    monkeypatch.setattr(snapshot, "STEP_PAGES", 16)  # several steps for a small workspace
    stages: list[tuple[str, int, int]] = []
    dest = usb(tmp_path)
    with pytest.raises(Cancelled):
        back_up(workspace, dest, progress=lambda *step: stages.append(step), cancel=lambda: bool(stages))
    assert stages and stages[0][0] == "copy" and stages[0][1] < stages[0][2]
    assert files_in(dest) == []
    assert not list(audit.entries(workspace.conn, action="workspace.backup"))


def test_leftovers_of_a_stopped_backup_are_swept_unless_still_being_written(
    workspace: Workspace, tmp_path: Path
) -> None:
    dest = usb(tmp_path)
    stale = dest / ".workbench-backup-20260101T000000Z-0123abcd.partial"
    stale.mkdir()
    (stale / "workspace.backup").write_bytes(b"half")
    busy = dest / ".workbench-backup-20260101T000001Z-4567abcd.partial"
    busy.mkdir()
    other = dest / ".not-ours.partial"
    other.mkdir()
    fd = os.open(busy, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # as a backup running in another process holds it
        written = back_up(workspace, dest)
    finally:
        os.close(fd)
    assert not stale.exists() and busy.exists() and other.exists()
    assert sorted(path.name for path in dest.iterdir()) == sorted([written.path.name, busy.name, other.name])


# -- refusing to restore -------------------------------------------------------------------------------------------


@pytest.fixture
def written(workspace: Workspace, tmp_path: Path) -> backup.BackupWritten:
    fill(workspace, 20)
    return back_up(workspace, usb(tmp_path))


def refused(source: Path, tmp_path: Path, error: type[WorkbenchError], match: str) -> None:
    """Restore is refused with ``match`` and leaves nothing where it would have written."""
    target = tmp_path / "out" / "restored.db"
    target.parent.mkdir(exist_ok=True)
    with pytest.raises(error, match=match):
        restore_backup(source, target, PASSPHRASE)
    assert files_in(target.parent) == []


def test_a_changed_byte_of_the_copy_is_refused_and_the_workspace_is_untouched(
    workspace: Workspace, written: backup.BackupWritten, tmp_path: Path
) -> None:
    before = store_digest(workspace.conn)
    data = written.path / "workspace.backup"
    content = bytearray(data.read_bytes())
    content[len(content) // 2] ^= 0x01
    data.write_bytes(bytes(content))
    refused(written.path, tmp_path, VerificationFailed, "does not have the SHA-256 the manifest declares")
    data.write_bytes(bytes(content[:-4096]))
    refused(written.path, tmp_path, VerificationFailed, "the manifest declares")
    assert store_digest(workspace.conn) == before


def test_a_changed_manifest_or_signature_is_refused(
    workspace: Workspace, written: backup.BackupWritten, tmp_path: Path
) -> None:
    manifest = written.path / "manifest.json"
    signature = written.path / "manifest.json.sig"
    original, signed = manifest.read_bytes(), signature.read_bytes()
    manifest.write_bytes(original.replace(b'"objects":', b'"objects":1'))
    refused(written.path, tmp_path, VerificationFailed, "signature does not verify")
    manifest.write_bytes(original)
    signature.write_bytes(signed[:-1])
    refused(written.path, tmp_path, VerificationFailed, "signature does not verify")
    signature.unlink()
    refused(written.path, tmp_path, VerificationFailed, "has no manifest.json.sig")
    signature.write_bytes(signed)
    manifest.write_bytes(b" " + original)
    refused(written.path, tmp_path, InvalidInput, "not in canonical form")


def test_a_manifest_signed_by_another_key_is_refused_after_decryption(
    workspace: Workspace, written: backup.BackupWritten, tmp_path: Path
) -> None:
    before = store_digest(workspace.conn)
    stranger = Ed25519PrivateKey.generate()
    public = stranger.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    def claim_as_stranger(document: dict) -> None:  # type: ignore[type-arg]
        document["signer"] = {"key_id": keys.fingerprint(public), "public_key": base64.b64encode(public).decode()}

    resign(written.path, claim_as_stranger, stranger)
    refused(written.path, tmp_path, VerificationFailed, "not one of the workspace's own")
    # The same, with the workspace's fingerprint left in place: the key does not match it.
    resign(written.path, lambda document: document["signer"].update(key_id=written.manifest.key_id), stranger)
    refused(written.path, tmp_path, VerificationFailed, "does not have the fingerprint it names")
    assert store_digest(workspace.conn) == before


def test_an_expected_fingerprint_other_than_the_signer_is_refused(
    written: backup.BackupWritten, tmp_path: Path
) -> None:
    with pytest.raises(VerificationFailed, match="not by the expected"):
        restore_backup(written.path, tmp_path / "x.db", PASSPHRASE, expected_key_id="ab" * 32)
    assert inspect_backup(written.path, expected_key_id=written.manifest.key_id.upper()).manifest == written.manifest


def test_a_backup_claiming_a_newer_schema_is_refused(
    workspace: Workspace, written: backup.BackupWritten, tmp_path: Path
) -> None:
    newer = migrations.latest_version() + 1
    resign(written.path, lambda document: document.update(schema_version=newer), own_private_key(workspace))
    refused(written.path, tmp_path, InvalidInput, f"schema version {newer}, newer than this program knows")


def test_the_manifest_must_describe_the_copy(
    workspace: Workspace, written: backup.BackupWritten, tmp_path: Path
) -> None:
    """Signed by the workspace's own key but not matching the decrypted copy: refused after opening."""
    resign(written.path, lambda document: document["counts"].update(cases=7), own_private_key(workspace))
    refused(written.path, tmp_path, VerificationFailed, "do not match the counts")


def test_an_unfinished_backup_and_a_wrong_passphrase_are_refused(written: backup.BackupWritten, tmp_path: Path) -> None:
    partial = written.path.with_name(f".{written.path.name}.partial")
    shutil.copytree(written.path, partial)
    refused(partial, tmp_path, VerificationFailed, "unfinished backup")
    target = tmp_path / "w.db"
    with pytest.raises(WrongPassphrase, match="workspace passphrase as it was on"):
        restore_backup(written.path, target, "not the passphrase")
    assert not list(tmp_path.glob("*w.db*"))
    refused(tmp_path / "nothing-here", tmp_path, InvalidInput, "is not a backup folder")


def test_restore_never_overwrites(written: backup.BackupWritten, tmp_path: Path) -> None:
    target = tmp_path / "taken.db"
    target.write_bytes(b"someone's workspace")
    with pytest.raises(InvalidInput, match="never overwrites"):
        restore_backup(written.path, target, PASSPHRASE)
    assert target.read_bytes() == b"someone's workspace"
    wal = tmp_path / "fresh.db-wal"
    wal.write_bytes(b"journal")
    with pytest.raises(InvalidInput, match="already exists"):
        restore_backup(written.path, tmp_path / "fresh.db", PASSPHRASE)
    assert not (tmp_path / "fresh.db").exists()


# -- older schemas, channels, reminders -----------------------------------------------------------------------------


def test_a_backup_written_by_schema_version_1_is_migrated_forward(tmp_path: Path) -> None:
    copy = tmp_path / "v1.db"
    shutil.copyfile(DATA / "workspace-v1.db", copy)
    db = Database.open(copy, V1_PASSPHRASE, upgrade=False)
    ws = Workspace(db, get_meta(db.conn, "org_name") or "", get_meta(db.conn, "identity_ref") or "")
    try:
        assert db.schema_version == 1
        written = back_up(ws, usb(tmp_path))
    finally:
        ws.close()
    assert written.manifest.schema_version == 1 and written.manifest.counts["partners"] == 0
    restored = restore_backup(written.path, tmp_path / "now.db", V1_PASSPHRASE)
    assert (restored.schema_before, restored.schema_after) == (1, migrations.latest_version())
    assert restored.channels == [] and restored.outbox == [] and restored.inbox == []
    again = open_workspace(tmp_path / "now.db", V1_PASSPHRASE)
    try:
        assert again.db.schema_version == migrations.latest_version()
        assert [hit.name for hit in again.objects.search("fixture")] == ["Fixture indicator"]
        assert audit.verify(again.conn).ok
    finally:
        again.close()


def test_backup_status_and_the_reminder_period(workspace: Workspace, tmp_path: Path) -> None:
    from datetime import timedelta

    status = backup_status(workspace.conn)
    assert status.last_backup is None and status.since is not None  # since the workspace was created
    assert not status.due(7, status.since + timedelta(days=6, hours=23))
    assert status.due(7, status.since + timedelta(days=7))
    assert not status.due(0, status.since + timedelta(days=400))  # 0: never remind
    written = back_up(workspace, usb(tmp_path))
    status = backup_status(workspace.conn)
    assert status.last_backup is not None and status.last_backup.isoformat()[:19] == written.manifest.created[:19]
    restored = restore_backup(written.path, tmp_path / "r.db", PASSPHRASE)
    again = open_workspace(restored.path, PASSPHRASE)
    try:  # the restored workspace is as old as the backup it came from
        assert backup_status(again.conn).last_backup == status.last_backup
    finally:
        again.close()


@pytest.mark.skipif(not (shutil.which("openssl") and shutil.which("jq")), reason="needs openssl and jq")
def test_the_administrators_guide_checks_a_backup_with_stock_tools(written: backup.BackupWritten) -> None:
    guide = (Path(__file__).resolve().parents[2] / "resources" / "guides" / "admin-guide.md").read_text()
    after = guide.split("Anyone can check a backup's signature with stock tools", 1)[1]
    block = after.split("```\n", 2)[1]
    commands = [line for line in block.splitlines() if not line.startswith("cd ")]
    done = subprocess.run(
        ["sh", "-e", "-c", "\n".join(commands)], cwd=written.path, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Signature Verified Successfully"
    assert lines[1].split()[0] == lines[2] == written.manifest.file_sha256
    assert lines[3].split()[0] == written.manifest.key_id
    # The same commands on a changed manifest: the signature check fails.
    manifest = written.path / "manifest.json"
    assert b'"cases":0' in manifest.read_bytes()
    manifest.write_bytes(manifest.read_bytes().replace(b'"cases":0', b'"cases":9'))
    again = subprocess.run(
        ["sh", "-e", "-c", "\n".join(commands)], cwd=written.path, capture_output=True, text=True, check=False
    )
    assert again.returncode != 0 and "Signature Verified Successfully" not in again.stdout
