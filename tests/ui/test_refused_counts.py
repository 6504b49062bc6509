"""Counts that cannot lie: one object refused for two reasons (two bad timestamps) reads as one refused object on
every path: the window's file preview, ``workbench import`` of the file, the window's package preview, ``workbench
import`` of the package, the inbox row and the audit entry, the signed receipt and the sender's outbox."""

from __future__ import annotations

import hashlib
import uuid
from pathlib import Path
from typing import Any

import orjson
import rfc8785
from PySide6.QtCore import Qt

from tests.conftest import PASSPHRASE, bundle, indicator, malware
from tests.exchange_support import craft
from tests.ui.exchange_helpers import OURS, PARTNER, Agencies, agencies
from tests.ui.test_exchange_inbox import previewed as package_previewed
from tests.ui.test_import_flow import drop, previewed
from workbench.domain.timestamps import format_stix_timestamp, utc_now
from workbench.domain.tlp import Tlp
from workbench.services import exchange, keys
from workbench.services.intake import import_source
from workbench.storage import exchange as rows

__all__ = ["agencies"]


def broken() -> dict[str, Any]:
    """One object, two reasons to refuse it."""
    return malware(name="twice wrong", created="yesterday", modified="today")


def partner_package(agencies: Agencies, folder: Path, *objects: dict[str, Any]) -> Path:
    """A package the partner signed for us holding ``objects`` (the exporter would never write a refused object)."""
    data = orjson.dumps(bundle(*objects))
    now = utc_now()
    manifest = {
        "format": "stix-exchange-package/1",
        "package_id": str(uuid.uuid4()),
        "producer": {
            "name": PARTNER,
            "identity_ref": agencies.partner.identity_id,
            "key_id": keys.active_key(agencies.partner.conn).key_id,
        },
        "recipients": [{"name": OURS, "key_id": keys.active_key(agencies.ours.conn).key_id}],
        "sequence": 1,
        "previous_manifest_sha256": None,
        "created": format_stix_timestamp(now),
        "expires": format_stix_timestamp(now.replace(year=now.year + 1)),
        "tlp_ceiling": Tlp.AMBER.marking_id,
        "stix": {"bundle_id": orjson.loads(data)["id"], "spec_version": "2.1", "object_count": len(objects)},
        "files": [
            {
                "path": "payload/bundle.json",
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
                "media_type": "application/stix+json;version=2.1",
            }
        ],
    }
    signed = rfc8785.dumps(manifest)
    path = craft(
        folder,
        signed,
        {"payload/bundle.json": data},
        lambda document: keys.sign(agencies.partner.conn, document)[1],
        name=f"partner-{manifest['package_id']}",
    )
    # The partner's outbox row, as its exporter records a package it wrote (which it never would for these objects).
    with agencies.partner.transaction() as conn:
        us = rows.partner_by_name(conn, OURS)
        assert us is not None
        rows.insert_sent(
            conn,
            rows.SentRow(
                manifest["package_id"],
                us.id,
                manifest["recipients"][0]["key_id"],
                1,
                hashlib.sha256(signed).hexdigest(),
                manifest["created"],
                manifest["expires"],
                int(Tlp.AMBER),
                len(objects),
                0,
                path.name,
                None,
                None,
                None,
                None,
            ),
        )
    return path


def test_one_object_refused_twice_over_counts_one_on_every_path(qtbot, agencies: Agencies, cli, write_json) -> None:  # type: ignore[no-untyped-def]
    window, ours = agencies.window, agencies.ours
    db = str(ours.path)
    assert PASSPHRASE  # the window's workspace opens with the test passphrase on the command line too

    # A file: the window's preview, then the command line.
    path = write_json(bundle(indicator(), broken()), "two-reasons.json")
    drop(window, path)
    dialog = previewed(qtbot, window)
    assert dialog.counts["refused"].text() == "1" and dialog.refused_view.model().rowCount() == 2
    with qtbot.waitSignal(window.imports.import_cancelled):
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    imported = cli("import", "--db", db, str(path), "--json")
    assert imported.code == 0, imported.stderr
    [summary] = imported.json
    assert (summary["objects_refused"], len(summary["refusal_reasons"])) == (1, 2)
    assert ", refused 1," in cli("import", "--db", db, str(write_json(bundle(broken())))).stdout

    # A package: the window's preview, then the command line, the inbox and the audit log.
    package = partner_package(agencies, agencies.stick(), indicator(), broken())
    window.show_screen("exchange")
    drop(window, package)
    preview = package_previewed(qtbot, agencies)
    assert preview.counts["refused"].text() == "1"
    preview.reject()
    qtbot.waitUntil(lambda: not agencies.exchange.importer.busy)
    imported = cli("import", "--db", db, str(package), "--json")
    assert imported.code == 0, imported.stderr
    assert imported.json[0]["import"]["objects_refused"] == 1
    [row] = cli("inbox", "--db", db, "--json").json
    assert row["refused"] == 1
    audit = [entry for entry in cli("audit", "--db", db, "--json").json if entry["action"] == "exchange.import"]
    assert audit[-1]["details"]["refused"] == 1

    # The signed receipt says 1, and so does the sender's outbox once it is recorded.
    receipt = cli("receipt", "--db", db, "--package", row["package_id"], "--to", str(agencies.stick()), "--json")
    assert receipt.code == 0, receipt.stderr
    signed = orjson.loads((Path(receipt.json["path"]) / "receipt.json").read_bytes())
    assert signed["counts"]["refused"] == 1
    recorded = import_source(agencies.partner, receipt.json["path"]).result
    assert isinstance(recorded, exchange.Receipt) and recorded.refused == 1
    [sent] = exchange.outbox(agencies.partner.conn)
    assert (sent.status, sent.refused) == ("delivered", 1)
