"""``workbench backup`` and ``workbench restore``: verified encrypted backups, restored into a new file."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from workbench.cli.common import (
    BACKUP_PASSPHRASE_ENV,
    PASSPHRASE_ENV,
    Output,
    common_options,
    open_from_args,
    passphrase,
)
from workbench.services import backup
from workbench.services.backup import BackupManifest, Encryption, Restored
from workbench.services.keys import format_fingerprint


def register(commands: Any) -> None:
    made = commands.add_parser(
        "backup",
        parents=[common_options()],
        help="write a verified, encrypted backup of the workspace onto a medium",
        description="Copy the workspace as it is (also while it is in use), encrypted, with a manifest signed by "
        "the workspace's key; written, read back and verified before it is reported.",
    )
    made.add_argument("--to", required=True, metavar="DIR", help="the folder on the medium")
    made.add_argument(
        "--separate-passphrase",
        action="store_true",
        help=f"encrypt under a backup passphrase of its own (${BACKUP_PASSPHRASE_ENV} or asked twice) instead of"
        " the workspace passphrase",
    )
    made.set_defaults(handler=run_backup)

    restore = commands.add_parser(
        "restore",
        parents=[common_options(db=False)],
        help="restore a backup into a new workspace file (never over an existing one)",
        description="Verify a backup's signature and hash, open it with its passphrase, check its integrity and "
        "audit chain, migrate its schema forward, and write it as a new workspace file.",
    )
    restore.add_argument("backup", metavar="BACKUP", help="the backup folder (workbench-backup-...)")
    restore.add_argument("--to", required=True, metavar="NEW_PATH", help="the new workspace file; must not exist")
    restore.add_argument(
        "--fingerprint",
        metavar="HEX",
        help="refuse the backup unless its manifest was signed by this key (the workspace's fingerprint)",
    )
    restore.set_defaults(handler=run_restore)


def run_backup(args: argparse.Namespace, out: Output) -> int:
    with open_from_args(args) as ws:
        secret = None
        if args.separate_passphrase:
            secret = passphrase(env=BACKUP_PASSPHRASE_ENV, prompt="Backup passphrase: ", confirm=True)
        written = backup.back_up(ws, args.to, backup_passphrase=secret)
    manifest = written.manifest
    out.line(f"backup written and verified: {written.path}")
    out.line(f"  {_describe(manifest)}")
    out.line(f"  {written.size:,} bytes; SHA-256 of {manifest.folder_name}/workspace.backup: {manifest.file_sha256}")
    out.line(f"  opens with {_passphrase_name(manifest)}")
    out.result({"path": str(written.path), "size": written.size, "manifest": manifest.to_json()})
    return 0


def run_restore(args: argparse.Namespace, out: Output) -> int:
    target = Path(args.to)
    backup.check_target(target)  # before the passphrase is asked for
    info = backup.inspect_backup(args.backup, expected_key_id=args.fingerprint)
    manifest = info.manifest
    if manifest.encryption is Encryption.BACKUP:
        secret = passphrase(env=BACKUP_PASSPHRASE_ENV, prompt="Backup passphrase: ")
    else:
        secret = passphrase(env=PASSPHRASE_ENV, prompt=f"Workspace passphrase of {manifest.created[:10]}: ")
    restored = backup.restore_backup(info.folder, target, secret, expected_key_id=args.fingerprint)
    for line in restore_report(restored):
        out.line(line)
    out.result(
        {
            "path": str(restored.path),
            "manifest": manifest.to_json(),
            "schema_before": restored.schema_before,
            "schema_after": restored.schema_after,
            "channels": [vars(channel) for channel in restored.channels],
            "outbox": [entry.to_json() for entry in restored.outbox],
            "inbox": [entry.to_json() for entry in restored.inbox],
        }
    )
    return 0


def restore_report(restored: Restored) -> list[str]:
    """What the analyst must know after a restore: from what, and what the exchange knew then."""
    manifest = restored.manifest
    schema = (
        f"schema version {restored.schema_before}"
        if restored.schema_before == restored.schema_after
        else f"schema version {restored.schema_before}, migrated to {restored.schema_after}"
    )
    lines = [
        f"restored {restored.path} from {manifest.folder_name}",
        f"  {_describe(manifest)}; {schema}",
        f"  signed by the workspace's own key {format_fingerprint(manifest.key_id)}",
        f"  the restored workspace opens with {_passphrase_name(manifest)}",
        "",
        f"Warning: partner channels may have moved on since this backup ({manifest.created}).",
        "  Packages received after it are not in this workspace: import them again from the partner's medium.",
        "  Packages sent after it are not in the outbox; a partner who received one will refuse the next package",
        "  from here as a repeated sequence number: ask each partner for the last sequence they received from",
        "  here and give it to `workbench keys advance --name PARTNER --last-received N`.",
        "What the exchange knew at the time of the backup:",
    ]
    if not restored.channels:
        lines.append("  no package sent or received")
    for channel in restored.channels:
        way = "sent to" if channel.direction == "out" else "received from"
        which = channel.last_package_id or "moved forward by keys advance, no package"
        lines.append(
            f"  last package {way} {channel.partner}: sequence {channel.last_sequence} ({which}, {channel.updated_at})"
        )
    undelivered = [entry for entry in restored.outbox if entry.status != "delivered"]
    lines.append(
        f"  outbox: {len(restored.outbox)} package(s), {len(undelivered)} without a receipt;"
        f" inbox: {len(restored.inbox)} package(s)"
    )
    return lines


def _describe(manifest: BackupManifest) -> str:
    counts = manifest.counts
    return (
        f"{manifest.workspace_name} as of {manifest.created}: {counts['objects']:,} objects"
        f" ({counts['object_versions']:,} versions), {counts['cases']:,} cases, {counts['partners']:,} partners,"
        f" {counts['packages_sent']:,} packages sent, {counts['packages_received']:,} received"
    )


def _passphrase_name(manifest: BackupManifest) -> str:
    if manifest.encryption is Encryption.BACKUP:
        return "the separate backup passphrase"
    return f"the workspace passphrase as it was on {manifest.created[:10]}"
