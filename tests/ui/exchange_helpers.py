"""Two agencies for the window's exchange tests: ours in the window (EU), a partner (US) driven by the services.

Keys are pinned both ways from real PEM bytes, ceilings AMBER. ``stick()`` makes a folder standing in for a USB
stick; ``partner_sends`` stocks objects in the partner's workspace and exports them to us onto a stick.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from workbench.domain.tlp import Tlp
from workbench.services import exchange, keys
from workbench.services.importing.importer import import_file
from workbench.services.workspace import Workspace
from workbench.ui.exchange.exchange_screen import ExchangeScreen
from workbench.ui.main_window import MainWindow

OURS = "EU Agency for Cybersecurity"
PARTNER = "US Cybersecurity Agency"
GREEN, AMBER, RED = Tlp.GREEN.marking_id, Tlp.AMBER.marking_id, Tlp.RED.marking_id


@dataclass
class Agencies:
    window: MainWindow
    ours: Workspace
    partner: Workspace
    folder: Path

    @property
    def exchange(self) -> ExchangeScreen:
        return self.window.screens["exchange"]

    def stick(self, name: str = "usb") -> Path:
        path = self.folder / f"{name}-{uuid.uuid4().hex[:6]}"
        path.mkdir()
        return path

    def stock(self, ws: Workspace, *objects: dict[str, Any]) -> None:
        path = self.folder / f"stock-{uuid.uuid4()}.json"
        path.write_bytes(orjson.dumps({"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": list(objects)}))
        import_file(ws, path)
        path.unlink()

    def partner_sends(self, *objects: dict[str, Any], stick: Path | None = None) -> exchange.ExportResult:
        if objects:
            self.stock(self.partner, *objects)
        return exchange.export_package(self.partner, stick or self.stick(), OURS)


@pytest.fixture
def agencies(
    qtbot, window: MainWindow, ui_workspace: Workspace, partner_workspace: Workspace, tmp_path: Path
) -> Agencies:
    ours_pem = keys.public_pem(keys.active_key(ui_workspace.conn).public_der)
    theirs_pem = keys.public_pem(keys.active_key(partner_workspace.conn).public_der)
    exchange.add_partner(
        ui_workspace,
        PARTNER,
        theirs_pem,
        tlp_send=Tlp.AMBER,
        tlp_accept=Tlp.AMBER,
        identity_ref=partner_workspace.identity_id,
    )
    exchange.add_partner(
        partner_workspace,
        OURS,
        ours_pem,
        tlp_send=Tlp.AMBER,
        tlp_accept=Tlp.AMBER,
        identity_ref=ui_workspace.identity_id,
    )
    # No removable volume of this machine may show up in the tests' Inbox.
    empty = tmp_path / "no-media"
    empty.mkdir()
    screen: ExchangeScreen = window.screens["exchange"]
    screen.media.proc_root = empty
    screen.media.sys_root = empty
    window.session.attach(ui_workspace)
    return Agencies(window, ui_workspace, partner_workspace, tmp_path)


def message_boxes() -> list[QMessageBox]:
    return [
        widget for widget in QApplication.topLevelWidgets() if isinstance(widget, QMessageBox) and widget.isVisible()
    ]


def close_message_boxes() -> None:
    for box in message_boxes():
        box.close()
